/**
 * The panel's bootstrap: builds the views, folds every host message into the store, and
 * renders at most once per animation frame however many messages arrive in between.
 */
import type { ToWebviewMessage } from "../src/protocol/panel";
import { PANEL_PROTOCOL_VERSION } from "../src/protocol/panel";
import { pushBounded, type PanelDebug } from "./debug";
import { element, setText } from "./dom";
import { PanelStore, type StoreChange } from "./store";
import { readPalette, watchTheme, type Palette } from "./theme";
import { TimelineView } from "./timeline/view";
import { EmptyView } from "./views/empty";
import { legend, section } from "./views/sections";
import { LocksView } from "./views/locks";
import { PoolsView } from "./views/pools";
import { ProcessTreeView } from "./views/process-tree";
import { QueuesView } from "./views/queues";
import { SignalsView } from "./views/signals";
import { Toolbar } from "./views/toolbar";
import { WarningsView } from "./views/warnings";
import { loadViewState, post, saveViewState } from "./vscode-api";

/** While a run is live, the tables refresh at most this often (the timeline every frame). */
const tableInterval = 250;

const store = new PanelStore();
let palette: Palette | null = null;
const currentPalette = (): Palette => (palette ??= readPalette());

let frameRequested = false;
function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

const tree = new ProcessTreeView(store, () => timeline.setLanes(tree.visible, tree.selected), post);
const timeline = new TimelineView(store, currentPalette, requestFrame, post, (process) =>
  tree.pick(process),
);
const locks = new LocksView(store, post);
const queues = new QueuesView(store, post);
const signals = new SignalsView(store, post);
const showLanes = (processes: number[]): void => {
  tree.pick(processes[0]);
  timeline.reveal(processes);
};
const warnings = new WarningsView(store, post, showLanes);
const pools = new PoolsView(store, showLanes);
const toolbar = new Toolbar(store, post, () => timeline.fit());

const errorBanner = element("div", "error-banner");
errorBanner.setAttribute("role", "alert");
errorBanner.hidden = true;
const layout = element("main", "layout");
layout.append(
  section("processes", "Processes", tree.element),
  section("timeline", "Timeline", timeline.element, legend()),
  section("locks", "Locks", locks.table.element),
  section("signals", "Signals", signals.table.element),
  section("queues", "Queues & Pipes", queues.table.element),
  section("pools", "Pools", pools.element),
  section("warnings", "Warnings", warnings.element),
);
const empty = new EmptyView(post);
document.body.append(toolbar.element, errorBanner, layout, empty.element);

const debug: PanelDebug = {
  frames: 0,
  lastFrame: null,
  snapshotToFirstDrawMs: null,
  snapshotFoldMs: null,
  drawTimes: [],
  renderTimes: [],
  tableTimes: [],
  themeKind: "",
  themeBackground: "",
  counts: {
    locks: 0,
    signals: 0,
    queues: 0,
    pools: 0,
    poolBars: 0,
    poolMostWaiting: 0,
    warnings: 0,
    processes: 0,
    events: 0,
  },
  timeToX: (t) => timeline.geometry().timeToX(t),
  laneMiddle: (p) => timeline.geometry().laneMiddle(p),
};
(window as unknown as { procscopePanel: PanelDebug }).procscopePanel = debug;

let snapshotArrivedAt: number | null = null;
let renderedRevision = -1;
let tablesAt = 0;
let tablesTimer: number | null = null;

function renderTables(): void {
  tablesAt = performance.now();
  debug.counts.locks = locks.update();
  debug.counts.signals = signals.update();
  debug.counts.queues = queues.update();
  debug.counts.pools = pools.update();
  debug.counts.poolBars = pools.bars;
  debug.counts.poolMostWaiting = pools.mostWaiting;
  debug.counts.warnings = warnings.update();
  pushBounded(debug.tableTimes, performance.now() - tablesAt);
}

/** Runs a drawing step; a failure is said in the banner rather than leaving a half-drawn page. */
function guarded(step: () => void): void {
  try {
    step();
  } catch (error) {
    errorBanner.hidden = false;
    setText(errorBanner, `The panel could not draw the run: ${String(error)}`);
  }
}

function render(): void {
  frameRequested = false;
  guarded(renderFrame);
}

function renderFrame(): void {
  const began = performance.now();
  const isEmpty = store.empty;
  empty.element.hidden = !isEmpty;
  // With nothing else to show, the error is the page; over a run, it is a banner.
  empty.setError(isEmpty ? store.error : null);
  layout.hidden = isEmpty;
  toolbar.element.hidden = isEmpty;
  errorBanner.hidden = store.error === null || isEmpty;
  setText(errorBanner, store.error ?? "");
  if (store.revision !== renderedRevision) {
    renderedRevision = store.revision;
    toolbar.update();
    tree.update();
    debug.counts.processes = tree.visible.length;
    debug.counts.events = store.events.length;
    timeline.setLanes(tree.visible, tree.selected);
    const live = store.run?.state === "running";
    const due = tablesAt + tableInterval - performance.now();
    if (!live || due <= 0) renderTables();
    else
      tablesTimer ??= window.setTimeout(() => {
        tablesTimer = null;
        guarded(renderTables);
      }, due);
  }
  if (!isEmpty) {
    const framesBefore = timeline.frames;
    timeline.render();
    if (timeline.frames !== framesBefore && timeline.lastFrame) {
      debug.frames = timeline.frames;
      debug.lastFrame = timeline.lastFrame;
      debug.themeKind = currentPalette().kind;
      debug.themeBackground = currentPalette().background;
      pushBounded(debug.drawTimes, timeline.lastFrame.drawMs);
      if (snapshotArrivedAt !== null) {
        debug.snapshotToFirstDrawMs = performance.now() - snapshotArrivedAt;
        snapshotArrivedAt = null;
      }
    }
  }
  saveView();
  pushBounded(debug.renderTimes, performance.now() - began);
}

/** A panel shown again for the same run looks where it looked before. */
function restoreView(): void {
  const saved = loadViewState();
  if (!saved || saved.path !== store.run?.path) return;
  tree.restore(saved.collapsed, saved.selected);
  if (!saved.view.follow) {
    timeline.viewport.start = saved.view.start;
    timeline.viewport.end = saved.view.end;
    timeline.viewport.follow = false;
  }
}

let savedKey = "";
function saveView(): void {
  const path = store.run?.path;
  if (!path) return;
  const { start, end, follow } = timeline.viewport;
  const state = {
    path,
    selected: tree.selected,
    collapsed: tree.collapsedProcesses(),
    view: { start, end, follow },
  };
  const key = JSON.stringify(state);
  if (key === savedKey) return;
  savedKey = key;
  saveViewState(state);
}

function isMessage(data: unknown): data is ToWebviewMessage {
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as { type?: unknown }).type === "string"
  );
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  if (!isMessage(event.data)) return;
  const arrived = performance.now();
  let change: StoreChange;
  try {
    change = store.dispatch(event.data);
  } catch (error) {
    // Never a blank or frozen panel without a word: say what could not be read.
    store.error = `The panel could not read what the editor sent (${event.data.type}): ${String(error)}`;
    store.revision++;
    change = { kind: "error" };
  }
  if (change.kind === "reset") {
    snapshotArrivedAt = arrived;
    debug.snapshotFoldMs = performance.now() - arrived;
    tree.reset();
    locks.table.clear();
    signals.table.clear();
    pools.clear();
    queues.table.clear();
    timeline.fit();
    restoreView();
  }
  if (change.kind === "reset" || change.kind === "append") timeline.invalidate();
  if (change.kind !== "none") requestFrame();
});

watchTheme(() => {
  palette = null;
  timeline.invalidate();
});

requestFrame();
post({ type: "ready", version: PANEL_PROTOCOL_VERSION });
