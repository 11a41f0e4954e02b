/**
 * Feeds one webview from one trace source, following the panel protocol: when the page
 * says `ready` (first load, or shown again after being hidden), a `hello`, then a snapshot,
 * then the events appended since, in batches several times a second while the run lives,
 * and `run-state` when it changes. Each post waits for the previous one, so a slow page
 * slows the feed instead of piling messages up.
 */
import * as vscode from "vscode";
import {
  PANEL_PROTOCOL_VERSION,
  isFromWebviewMessage,
  type FromWebviewMessage,
  type ToWebviewMessage,
} from "../protocol/panel";
import type { TraceSource } from "./trace-source";

/** Live updates per second at most (the panel asks for at least 10). */
const UPDATE_INTERVAL_MS = 50;
/** Events per message: a snapshot of a million events goes as a snapshot and deltas. */
const CHUNK = 50_000;

export class PanelFeed implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private sourceListener: vscode.Disposable | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ready = false;
  /** How many of the source's events the page has. */
  private cursor = 0;
  private stateDirty = false;
  private pumping = false;
  /** Bumped whenever the page reloads or the source changes; stale pumps stop. */
  private generation = 0;
  /** Shown by the page instead of a run (e.g. a trace file that cannot be read). */
  private error: string | null = null;

  constructor(
    private readonly webview: vscode.Webview,
    private source: TraceSource | null,
    private readonly onMessage: (message: FromWebviewMessage, source: TraceSource | null) => void,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.watch();
  }

  get current(): TraceSource | null {
    return this.source;
  }

  /** Shows another run in the same panel. */
  setSource(source: TraceSource | null): void {
    if (source === this.source) return;
    this.source = source;
    this.watch();
    if (this.ready) this.sendSnapshot();
  }

  showError(message: string): void {
    this.error = message;
    if (this.ready) void this.post({ type: "error", message });
  }

  /** The page is gone (hidden without retained context); it says `ready` when it returns. */
  pageHidden(): void {
    this.ready = false;
    this.generation++;
    this.updateTimer();
  }

  private receive(message: unknown): void {
    if (!isFromWebviewMessage(message)) return;
    if (message.type === "ready") {
      if (message.version !== PANEL_PROTOCOL_VERSION) {
        void this.post({
          type: "error",
          message: `The panel speaks protocol ${message.version}, the extension ${PANEL_PROTOCOL_VERSION}: reload the window.`,
        });
        return;
      }
      this.ready = true;
      void this.post({ type: "hello", version: PANEL_PROTOCOL_VERSION });
      this.sendSnapshot();
      return;
    }
    this.onMessage(message, this.source);
  }

  private watch(): void {
    this.sourceListener?.dispose();
    this.sourceListener =
      this.source?.onDidChangeState(() => {
        this.stateDirty = true;
        void this.pump();
      }) ?? null;
    this.updateTimer();
  }

  private sendSnapshot(): void {
    this.generation++;
    const events = this.source?.events ?? [];
    const first = events.slice(0, CHUNK);
    this.cursor = first.length;
    this.stateDirty = false;
    void this.post({ type: "snapshot", run: this.source?.info ?? null, events: first });
    if (this.error) void this.post({ type: "error", message: this.error });
    this.updateTimer();
    void this.pump();
  }

  private updateTimer(): void {
    const live = this.ready && this.source?.info.state === "running";
    if (live && !this.timer) {
      this.timer = setInterval(() => void this.pump(), UPDATE_INTERVAL_MS);
    } else if (!live && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async pump(): Promise<void> {
    if (!this.ready || this.pumping || !this.source) return;
    this.pumping = true;
    const generation = this.generation;
    try {
      const source = this.source;
      while (this.cursor < source.events.length && generation === this.generation) {
        const events = source.events.slice(this.cursor, this.cursor + CHUNK);
        this.cursor += events.length;
        await this.post({ type: "events", events });
      }
      if (this.stateDirty && generation === this.generation) {
        this.stateDirty = false;
        await this.post({ type: "run-state", run: source.info });
      }
    } finally {
      this.pumping = false;
    }
    this.updateTimer();
    // A reload or new source during the last post starts over with its own snapshot.
    if (generation !== this.generation) void this.pump();
  }

  private async post(message: ToWebviewMessage): Promise<void> {
    try {
      await this.webview.postMessage(message);
    } catch {
      // The panel was closed under us; its dispose() follows.
    }
  }

  dispose(): void {
    this.ready = false;
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sourceListener?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
