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

/**
 * A process that could act: a connected peer, one spawned that is still starting, or
 * `FREE` standing in for one that is not waiting at all.
 */
export interface Actor {
  number: number;
}

/**
 * Stands for a process that is never stuck: a pipe writer not connected yet (it may still
 * send), a joined child that has already ended (the join is over).
 */
export const FREE: Actor = { number: 0 };

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
 * Tarjan's strongly connected components, once over the graph: with every process waiting
 * on one queue, each waits for all the others, and the graph has n² edges.
 */
function inCycles(stuck: Set<Peer>, byPeer: Map<Peer, BlockedWait[]>): Peer[] {
  const next = new Map<Peer, Set<Peer>>();
  for (const peer of stuck) {
    const successors = new Set<Peer>();
    for (const wait of byPeer.get(peer)!) {
      for (const r of wait.releasers) if (stuck.has(r as Peer)) successors.add(r as Peer);
    }
    next.set(peer, successors);
  }
  const kept: Peer[] = [];
  const index = new Map<Peer, number>();
  const low = new Map<Peer, number>();
  const onStack = new Set<Peer>();
  const stack: Peer[] = [];
  const visit = (peer: Peer): void => {
    index.set(peer, index.size);
    low.set(peer, index.get(peer)!);
    stack.push(peer);
    onStack.add(peer);
    for (const successor of next.get(peer)!) {
      if (!index.has(successor)) {
        visit(successor);
        low.set(peer, Math.min(low.get(peer)!, low.get(successor)!));
      } else if (onStack.has(successor)) {
        low.set(peer, Math.min(low.get(peer)!, index.get(successor)!));
      }
    }
    if (low.get(peer) !== index.get(peer)) return;
    const component: Peer[] = [];
    let member: Peer;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== peer);
    // A cycle: two or more processes, or one that waits for itself (a lock it holds).
    if (component.length > 1 || next.get(peer)!.has(peer)) kept.push(...component);
    else if (byPeer.get(peer)!.every((wait) => wait.releasers.length === 0)) kept.push(peer);
  };
  for (const peer of stuck) if (!index.has(peer)) visit(peer);
  return kept;
}
