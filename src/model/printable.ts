/**
 * Text from the program (process names, trace fields) made safe for a terminal: control
 * characters and bidirectional overrides are shown as escapes, so that a name cannot move
 * the cursor, recolour or retitle the user's terminal, or forge a line of what we print.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `printable` line by line, so that text of several lines keeps its shape: lines joined by `separator`. */
export function printableLines(text: string, separator = "\n"): string {
  return text.split("\n").map(printable).join(separator);
}
