/**
 * The run's terminal: the program's output, one prefixed and coloured line per line a
 * process wrote (from the trace's `process.output` events, so each line is attributed to
 * its process). Ctrl+C or closing the terminal stops the run.
 */
import * as vscode from "vscode";

/** Text written before VS Code opened the terminal is kept up to this many characters. */
const MAX_PENDING = 1 << 20;

export class OutputTerminal implements vscode.Disposable {
  private readonly writes = new vscode.EventEmitter<string>();
  private readonly terminal: vscode.Terminal;
  private opened = false;
  private pending: string[] = [];
  private pendingSize = 0;
  private closedByUser = false;

  constructor(
    name: string,
    /** Asked to stop the run (Ctrl+C, or the terminal closed while the run lives). */
    private readonly onInterrupt: () => void,
  ) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writes.event,
      open: () => {
        this.opened = true;
        for (const text of this.pending) this.writes.fire(text);
        this.pending = [];
        this.pendingSize = 0;
      },
      close: () => {
        this.closedByUser = true;
        this.onInterrupt();
      },
      handleInput: (data) => {
        if (data.includes("\x03")) this.onInterrupt();
      },
    };
    this.terminal = vscode.window.createTerminal({
      name,
      pty,
      iconPath: new vscode.ThemeIcon("pulse"),
    });
  }

  show(): void {
    this.terminal.show(true);
  }

  write(text: string): void {
    if (text === "") return;
    if (this.opened) {
      this.writes.fire(text);
    } else if (this.pendingSize < MAX_PENDING) {
      this.pending.push(text);
      this.pendingSize += text.length;
    }
  }

  /** A line from procscope itself (not the program), dimmed. */
  note(text: string): void {
    this.write(`\x1b[2m${text.replace(/\n/g, "\r\n")}\x1b[0m\r\n`);
  }

  dispose(): void {
    if (!this.closedByUser) this.terminal.dispose();
    this.writes.dispose();
  }
}
