/** Line and field helpers every file-reading source (procfs, cgroup) parses with. */

export interface NumberedLine {
  /** 1-based, as editors and error messages count. */
  readonly no: number;
  readonly text: string;
}

/** Non-empty lines with their line numbers; a trailing newline adds no line. */
export function numberedLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== '') out.push({ no: i + 1, text: line });
  }
  return out;
}

/** Whitespace-separated fields of a line. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/** Shortens found text for an error message so a binary file cannot flood the log. */
export function quote(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}
