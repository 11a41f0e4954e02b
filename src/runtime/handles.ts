/**
 * Pipe ends handed to a child in its `args` must count as held by that child from the
 * moment it is spawned (as a duplicated file descriptor would), or a parent closing its
 * own copy right after `start()` would signal end-of-file too early. While a child's
 * arguments are encoded, shared pipe ends note themselves here.
 */
let collecting: string[] | null = null;

export function collectSharedHandles<T>(into: string[], encode: () => T): T {
  collecting = into;
  try {
    return encode();
  } finally {
    collecting = null;
  }
}

/** Called by a pipe end as it is encoded: `obj` is the channel it writes to. */
export function noteSharedWriter(obj: string): void {
  collecting?.push(obj);
}
