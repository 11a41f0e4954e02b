/**
 * Connections to managers: one per manager address in each process, opened on first use,
 * authenticated by the challenge handshake, and recording every call as `manager.call`.
 */
import { context } from "../context";
import { HubClient, type SocketTarget } from "../hub-client";
import { AuthenticationError } from "../errors";
import { registerLink, setLinkConnector, type LinkAddress } from "../link";
import { answer, checkAnswer, newChallenge } from "./auth";

interface OpenLink {
  client: HubClient;
  /** Resolves once authenticated; rejects `AuthenticationError` on a wrong key. */
  ready: Promise<void>;
}

const links = new Map<string, OpenLink>();

function where(address: LinkAddress): string {
  return address.path ?? `${address.host}:${address.port}`;
}

/** Links are shared per address *and key*: a wrong key never rides on a right one's link. */
function keyOf(address: LinkAddress): string {
  return `${where(address)}\0${address.authkey}`;
}

function targetOf(address: LinkAddress): SocketTarget {
  return address.path ?? { host: address.host ?? "127.0.0.1", port: address.port ?? 0 };
}

/**
 * The link to a manager, opened on first use and shared by the proxies of this process.
 * `remote`: ids get a per-process prefix. `own`: a new link of its own (a `Manager`
 * handle, whose `shutdown()` must not cut other handles' links).
 */
export function linkTo(address: LinkAddress, remote = false, own = false): OpenLink {
  const key = keyOf(address);
  const known = own ? undefined : links.get(key);
  if (known) return known;
  const client = new HubClient();
  client.serverName = `the manager at ${where(address)}`;
  client.waitForServer = false;
  registerLink(client, address, remote ? `${process.pid}~` : "");
  let server = 0;
  const nonce = newChallenge();
  const ready = client
    .connectWithBody(targetOf(address), (challenge) => {
      server = typeof challenge.server === "number" ? challenge.server : 0;
      return {
        type: "hello",
        digest: answer(address.authkey, String(challenge.nonce)),
        nonce,
        p: context.number,
        pid: process.pid,
      };
    })
    .then((welcome) => {
      if (welcome.header.error)
        throw new AuthenticationError(
          `manager at ${where(address)}: ${String(welcome.header.error)}`,
        );
      // The manager proves it knows the key too, before we trust what it says.
      if (!checkAnswer(address.authkey, nonce, welcome.header.digest)) {
        throw new AuthenticationError(
          `manager at ${where(address)} did not prove it knows the authkey`,
        );
      }
    });
  ready.catch((error: Error) => client.fail(error));
  client.observer = (header, duration, reply) => {
    if (header.type === "hello" || !context.tracing) return;
    // Packed: a program may make many thousands of calls a second.
    context.recorder.packManagerCall(
      typeof header.obj === "string" ? header.obj : undefined,
      server,
      typeof header.op === "string"
        ? `${header.type.replace("-op", "")}.${header.op}`
        : header.type,
      duration,
      !reply.header.error,
    );
  };
  const link = { client, ready };
  if (!own) links.set(key, link);
  return link;
}

// A manager's object arriving in a child (in `args`, or inside a message) reconnects here.
setLinkConnector((address) => linkTo(address).client);
