/**
 * Deadlock detection over everything a process can wait for in the hub.
 *
 * A process is a suspect while it waits, without a timeout, for an object whose release
 * only other processes can bring: the holders of a lock or semaphore, the holders of the
 * other end of a pipe, any other process for a queue, an event, a condition or a barrier.
 * Suspects that could be released by a process that is not itself a suspect are cleared,
 * until nothing changes; whoever is left waits for ever. Because a Node process may still
 * run other tasks while one of them waits, a suspect must also have been silent (sent the
 * hub nothing) for a while, and have said it has no other work pending (the hub's
 * `confirmedIdle`), before it is reported.
 */
import type { Peer } from "./peer";

/** A process that could act: a connected peer, or one spawned that is still starting. */
export interface Actor {
  number: number;
}

export interface BlockedWait {
  peer: Peer;
  obj: string;
  op: string;
  loc?: string;
  /** Processes whose action could end this wait. */
  releasers: Actor[];
}

export interface DeadlockEntry {
  p: number;
  obj: string;
  op: string;
  loc?: string;
  waitingFor: number[];
}

/** Returns the waits of the processes that can never proceed (empty when none). */
export function findDeadlock(
  waits: BlockedWait[],
  quietSince: (peer: Peer) => boolean,
): DeadlockEntry[] {
  const byPeer = new Map<Peer, BlockedWait[]>();
  for (const wait of waits) {
    const list = byPeer.get(wait.peer) ?? [];
    list.push(wait);
    byPeer.set(wait.peer, list);
  }
  const stuck = new Set<Actor>([...byPeer.keys()].filter((peer) => quietSince(peer)));
  let changed = true;
  while (changed) {
    changed = false;
    for (const peer of stuck as Set<Peer>) {
      // A process proceeds if any one of its waits can end. A wait no other process could
      // end (a barrier short of parties, an event only its waiter knows) cannot: whether
      // the waiting process itself may yet end it is what `confirmedIdle` asks it.
      const canProceed = byPeer
        .get(peer)!
        .some((wait) => wait.releasers.some((r) => !stuck.has(r)));
      if (canProceed) {
        stuck.delete(peer);
        changed = true;
      }
    }
  }
  const entries: DeadlockEntry[] = [];
  for (const peer of inCycles(stuck as Set<Peer>, byPeer)) {
    for (const wait of byPeer.get(peer)!) {
      entries.push({
        p: peer.number,
        obj: wait.obj,
        op: wait.op,
        loc: wait.loc,
        waitingFor: wait.releasers.filter((r) => stuck.has(r)).map((r) => r.number),
      });
    }
  }
  return entries.sort((a, b) => a.p - b.p);
}

/**
 * The stuck processes that are part of the deadlock itself: on a cycle of waits, or waiting
 * for what no other process could bring. One that only waits for them (a parent joining a
 * deadlocked child) is left out: its wait ends if theirs does, and it is no cause.
 */
function inCycles(stuck: Set<Peer>, byPeer: Map<Peer, BlockedWait[]>): Peer[] {
  const next = new Map<Peer, Peer[]>();
  for (const peer of stuck) {
    const releasers = byPeer.get(peer)!.flatMap((wait) => wait.releasers);
    next.set(
      peer,
      releasers.filter((r): r is Peer => stuck.has(r as Peer)),
    );
  }
  const reachesItself = (start: Peer): boolean => {
    const seen = new Set<Peer>();
    const todo = [...next.get(start)!];
    while (todo.length > 0) {
      const peer = todo.pop()!;
      if (peer === start) return true;
      if (seen.has(peer)) continue;
      seen.add(peer);
      todo.push(...next.get(peer)!);
    }
    return false;
  };
  const alone = (peer: Peer): boolean =>
    byPeer.get(peer)!.every((wait) => wait.releasers.length === 0);
  return [...stuck].filter((peer) => alone(peer) || reachesItself(peer));
}
