/**
 * procscope: Python's `multiprocessing` for TypeScript on Node.js — real OS processes,
 * with every process, message and lock recorded for the viewer. See docs/api.md.
 */
import { runChild, runRoot } from "./lifecycle";

export { main, isMainProcess } from "./lifecycle";
export {
  Process,
  fork,
  currentProcess,
  parentProcess,
  activeChildren,
  cpuCount,
  type ProcessOptions,
  type ProcessInfo,
} from "./process";
export { Queue, JoinableQueue, SimpleQueue, type PutOptions } from "./queue";
export { Pipe, Connection } from "./pipe";
export { Lock, RLock } from "./sync/lock";
export { Semaphore, BoundedSemaphore } from "./sync/semaphore";
export { Event } from "./sync/event";
export { Condition } from "./sync/condition";
export { Barrier, type BarrierOptions } from "./sync/barrier";
export { Value, SharedArray } from "./sync/shared-value";
export type { AcquireOptions } from "./sync/permits";
export { Pool, type PoolOptions, type ApplyOptions } from "./pool/pool";
export { AsyncResult } from "./pool/async-result";
export {
  Manager,
  type ManagerAddress,
  type ManagerStartOptions,
  type ManagerConnectOptions,
} from "./manager/manager";
export { DictProxy, ListProxy, NamespaceProxy } from "./manager/proxies";
export type { TakeOptions as GetOptions } from "./channel-reader";
export { MAX_MESSAGE_BYTES, MAX_NESTING_DEPTH } from "./limits";
export {
  TimeoutError,
  Empty,
  Full,
  EOFError,
  BrokenBarrierError,
  PicklingError,
  ProcessError,
  AuthenticationError,
  ValueError,
} from "./errors";

// The bootstraps (child.js, root.js) reach the one runtime instance the program also gets.
(globalThis as Record<symbol, unknown>)[Symbol.for("procscope.boot")] = {
  runChild: () => runChild(__filename),
  runRoot: (entry: string, args: string[]) => runRoot(__filename, entry, args),
};
