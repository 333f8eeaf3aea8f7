// Command-line flags of the bench scripts: `--name value` pairs and bare `--name` switches.
const argv = process.argv.slice(2);

/** The value after `--name`, or `dflt`. */
export function flag(name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
}

/** `--name` was given (with or without a value). */
export function has(name) {
  return argv.includes(`--${name}`);
}
