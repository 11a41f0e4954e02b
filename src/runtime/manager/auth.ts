/**
 * The manager handshake, after Python's `multiprocessing.connection`: each side proves it
 * knows the key by returning an HMAC of a fresh random challenge. The key itself never
 * crosses the wire, and a recorded answer is useless against the next challenge.
 */
import * as crypto from "node:crypto";

export function newChallenge(): string {
  return crypto.randomBytes(32).toString("hex");
}

export function answer(authkey: string, challenge: string): string {
  return crypto.createHmac("sha256", Buffer.from(authkey, "hex")).update(challenge).digest("hex");
}

export function checkAnswer(authkey: string, challenge: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const expected = Buffer.from(answer(authkey, challenge));
  const actual = Buffer.from(given);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** An authkey given as a string, Buffer or bytes, as hex. */
export function authkeyHex(key: string | Uint8Array): string {
  return Buffer.from(typeof key === "string" ? Buffer.from(key, "utf8") : key).toString("hex");
}
