/**
 * Environment variables through which a run hands its context to each process.
 * Inherited by every child, so the whole tree shares one run.
 */
export const ENV = {
  /** `hrtime` (ns, decimal) of the run's t = 0. */
  clockOrigin: "PROCSCOPE_CLOCK_ORIGIN",
  /** Path of the hub's Unix socket; absent in the root until it starts the hub. */
  hubSocket: "PROCSCOPE_HUB",
  /** Per-run secret every connection must present (hex). */
  secret: "PROCSCOPE_SECRET",
  /** Path of the collector's socket (CLI or editor); absent = record nothing. */
  collector: "PROCSCOPE_COLLECTOR",
  /** Secret for the collector connection (hex). */
  collectorSecret: "PROCSCOPE_COLLECTOR_SECRET",
  /**
   * The collector's socket for the hub alone, when the program records nothing
   * (`--no-trace`): deadlocks, warnings and process ends are still reported.
   */
  hubCollector: "PROCSCOPE_HUB_COLLECTOR",
  /** Absolute path of the program's entry module (re-run in every child). */
  entry: "PROCSCOPE_ENTRY",
  /** Folder where compiled program modules are shared by the run's processes. */
  compileCache: "PROCSCOPE_COMPILE_CACHE",
  /** JSON launch description of a child: its target, name, identity. */
  launch: "PROCSCOPE_LAUNCH",
} as const;

/** Exit code of a process that lost the hub: without it the run is over for it. */
export const HUB_LOST_EXIT_CODE = 70;
