/** An AbortSignal that fires on the first SIGTERM or SIGINT; a second one exits at once. */
export function shutdownSignal(onSignal: (name: NodeJS.Signals) => void): AbortSignal {
  const controller = new AbortController();
  const handle = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
    onSignal(name);
    controller.abort(name);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return controller.signal;
}
