/**
 * Which server an object lives on. Most objects live in the run's hub; a manager's objects
 * live in the manager process and talk to it over their own connection (a "link"). An
 * object remembers the link it was made with, and its handle carries the way back to it,
 * so that a child receiving a manager's queue talks to that manager too.
 */
import { context } from "./context";
import type { HubClient } from "./hub-client";
import type { Handle } from "./clone";

/** How to reach a manager: where it listens and the key it checks. */
export interface LinkAddress {
  path?: string;
  host?: string;
  port?: number;
  /** Hex of the authentication key. */
  authkey: string;
}

let pending: HubClient | null = null;
const addresses = new WeakMap<HubClient, LinkAddress>();
const idPrefixes = new WeakMap<HubClient, string>();
let connector: ((address: LinkAddress) => HubClient) | null = null;

/** Objects constructed inside `make` live behind `link`. */
export function viaLink<T>(link: HubClient, make: () => T): T {
  const previous = pending;
  pending = link;
  try {
    return make();
  } finally {
    pending = previous;
  }
}

/** The link an object under construction uses. */
export function currentLink(): HubClient {
  return pending ?? context.client;
}

/**
 * Registers a manager link and how to reach it again from another process. Objects made
 * over a remote link get ids prefixed with `idPrefix`, so that programs of different runs
 * sharing one manager never pick the same id.
 */
export function registerLink(link: HubClient, address: LinkAddress, idPrefix = ""): void {
  addresses.set(link, address);
  if (idPrefix) idPrefixes.set(link, idPrefix);
}

/** Prefix for ids of objects made over the current link. */
export function currentIdPrefix(): string {
  return idPrefixes.get(currentLink()) ?? "";
}

/** Set by the manager module: connects (or reuses) a link to a manager's address. */
export function setLinkConnector(connect: (address: LinkAddress) => HubClient): void {
  connector = connect;
}

/** Adds the way back to a manager to an object's handle (nothing for hub objects). */
export function withVia(link: HubClient, handle: Handle): Handle {
  const address = addresses.get(link);
  return address ? { ...handle, via: address } : handle;
}

/** Revives an object from a handle on the link it names (the hub if none). */
export function revivedVia<T>(handle: Handle, make: () => T): T {
  const address = handle.via as LinkAddress | undefined;
  if (!address) return make();
  if (!connector)
    throw new Error("procscope: a manager object arrived before the manager module loaded");
  return viaLink(connector(address), make);
}
