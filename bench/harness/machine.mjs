// What the numbers were measured on: they only mean something next to this.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";

function commandOutput(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .trim()
      .split("\n")[0];
  } catch {
    return "unknown";
  }
}

function cpuModel() {
  try {
    const line = fs
      .readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((text) => text.startsWith("model name"));
    return line ? line.split(":")[1].trim() : (os.cpus()[0]?.model ?? "unknown");
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

export function describeMachine() {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    nproc: commandOutput("nproc", []),
    cpu: cpuModel(),
    node: process.version,
    python: commandOutput("python3", ["--version"]).replace(/^Python /, ""),
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadBefore: os.loadavg()[0],
  };
}
