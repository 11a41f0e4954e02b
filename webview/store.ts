/**
 * The panel's one store: folds the host's messages (a snapshot, then event deltas, run
 * state changes) into id-keyed models that the views read. No DOM: tested in Node.
 *
 * The fold is incremental and in place on purpose: a delta of a live run appends a few
 * hundred events to a run of possibly a million, and must cost only its own size. A
 * snapshot starts over, so a hidden panel shown again ends up exactly where it was.
 */
import { PANEL_PROTOCOL_VERSION, type RunInfo, type ToWebviewMessage } from "../src/protocol/panel";
import {
  TRACE_EVENT_TYPES,
  assertNever,
  type ObjectId,
  type SourceLocation,
  type TraceEvent,
} from "../src/protocol/trace";
import { FlowLevels } from "../src/model/flow-levels";
import { ResourceSamples } from "../src/model/resources";
import { RunModel } from "../src/model/run-model";
import { TimelineModel } from "../src/model/timeline";

/** Every event kind of this protocol version; a newer runtime's other kinds are skipped. */
const knownTypes: ReadonlySet<string> = new Set(TRACE_EVENT_TYPES);

export type StoreChange =
  | { kind: "reset" }
  | { kind: "append"; added: number }
  | { kind: "run" }
  | { kind: "error" }
  | { kind: "none" };

export class PanelStore {
  run: RunInfo | null = null;
  error: string | null = null;
  events: TraceEvent[] = [];
  model = new RunModel();
  timeline = new TimelineModel();
  levels = new FlowLevels();
  resources = new ResourceSamples();
  /** Where each queue, pipe and lock was created in the user's code. */
  origins = new Map<ObjectId, SourceLocation>();
  /** Events of kinds this panel does not know (from a newer runtime), skipped. */
  skipped = 0;
  /** Bumped by every change that alters what is shown. */
  revision = 0;

  dispatch(message: ToWebviewMessage): StoreChange {
    switch (message.type) {
      case "hello":
        if (message.version === PANEL_PROTOCOL_VERSION) return { kind: "none" };
        this.error = `This panel speaks protocol version ${PANEL_PROTOCOL_VERSION}, the editor sent version ${message.version}: reload the window.`;
        this.revision++;
        return { kind: "error" };
      case "snapshot":
        this.reset();
        this.run = message.run;
        // A million-event snapshot is kept as sent rather than copied, when it can be.
        if (message.events.every((event) => knownTypes.has(event.type))) {
          this.events = message.events;
          this.fold(0);
        } else {
          this.append(message.events);
        }
        this.revision++;
        return { kind: "reset" };
      case "events": {
        const added = this.append(message.events);
        this.revision++;
        return { kind: "append", added };
      }
      case "run-state":
        this.run = message.run;
        this.revision++;
        return { kind: "run" };
      case "error":
        this.error = message.message;
        this.revision++;
        return { kind: "error" };
      default:
        return assertNever(message);
    }
  }

  /** Whether there is anything to show. */
  get empty(): boolean {
    return this.events.length === 0 && (this.run === null || this.run.state === "idle");
  }

  /** Whether the run is over (or was read from a file that says it ended). */
  get ended(): boolean {
    return this.model.endedAt !== null || this.run?.state === "finished";
  }

  private reset(): void {
    this.error = null;
    this.events = [];
    this.model = new RunModel();
    this.timeline = new TimelineModel();
    this.levels = new FlowLevels();
    this.resources = new ResourceSamples();
    this.origins = new Map();
    this.skipped = 0;
  }

  private append(events: readonly TraceEvent[]): number {
    const from = this.events.length;
    for (const event of events) {
      if (knownTypes.has(event.type)) this.events.push(event);
      else this.skipped++;
    }
    this.fold(from);
    return this.events.length - from;
  }

  /** Folds the events from index `from` on into the models. */
  private fold(from: number): void {
    const events = this.events;
    for (let index = from; index < events.length; index++) {
      const event = events[index];
      this.model.add(event);
      this.timeline.add(event, index, events);
      this.levels.add(event);
      this.resources.add(event);
      if (event.type === "object.create" && event.loc) this.origins.set(event.obj, event.loc);
    }
  }
}
