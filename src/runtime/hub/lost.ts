/** The words of a `message-lost` warning, the same from the hub and from a manager. */
import type { Peer } from "./peer";

/** Ids named in the message itself; the warning's `msgs` lists them all. */
const NAMED_IDS = 5;

export function lostMessage(peer: Peer, obj: string, ids: string[]): string {
  const named = ids.slice(0, NAMED_IDS).join(", ");
  const more = ids.length > NAMED_IDS ? ` and ${ids.length - NAMED_IDS} more` : "";
  // Fetched, but not reported taken: gone with the process, whether or not it took them.
  return `P${peer.number} ended holding ${ids.length} message(s) of ${obj} it had fetched and not reported taken: ${named}${more}`;
}
