/**
 * Formats the program's output for the run's terminal: every line starts with the name of
 * the process that wrote it, in a colour of its own, as `docker compose` does for services.
 * Output arrives as `process.output` events, in pieces that need not end at a line break.
 */
import type { OutputEvent } from "../protocol/trace";
import { printable } from "../model/printable";

/** Foreground colours that read on light and dark terminal themes (no black, white, grey). */
const COLOURS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92, 94, 91];
const RESET = "\x1b[0m";

export class OutputFormatter {
  /** Processes whose last piece of output ended mid-line. */
  private readonly midLine = new Set<number>();
  private lastProcess: number | null = null;

  /** Terminal text (CRLF line ends) for one piece of output of process `p` named `name`. */
  format(event: OutputEvent, name: string): string {
    // The name is the program's: inert, so that it cannot drive the terminal. (The output
    // itself is passed through, colours and all, as a terminal would show it.)
    const prefix = `\x1b[${COLOURS[(event.p - 1) % COLOURS.length]}m${pad(`P${event.p} ${printable(name)}`)} |${RESET} `;
    const lines = event.text.split(/\r?\n/);
    const endsLine = lines[lines.length - 1] === "";
    if (endsLine) lines.pop();
    let out = "";
    // Another process's partial line is closed first, so that prefixes stay at line starts.
    if (
      this.lastProcess !== null &&
      this.lastProcess !== event.p &&
      this.midLine.has(this.lastProcess)
    ) {
      out += "\r\n";
      this.midLine.delete(this.lastProcess);
    }
    lines.forEach((line, index) => {
      const continues = index === 0 && this.midLine.has(event.p) && this.lastProcess === event.p;
      const text = event.stream === "stderr" ? `\x1b[31m${line}${RESET}` : line;
      out += (continues ? "" : prefix) + text;
      if (index < lines.length - 1 || endsLine) out += "\r\n";
    });
    if (event.truncated)
      out += `${prefix}\x1b[2m(output cut: longer than the trace keeps)${RESET}\r\n`;
    if (endsLine || event.truncated) this.midLine.delete(event.p);
    else this.midLine.add(event.p);
    this.lastProcess = event.p;
    return out;
  }
}

function pad(label: string): string {
  return label.length >= 18 ? label : label + " ".repeat(18 - label.length);
}
