/** `procscope export TRACE --perfetto OUT.json`. */
import * as fs from "node:fs";
import { readTraceFile } from "./trace-file";
import { toChromeTrace } from "../model/perfetto";

export async function exportPerfetto(tracePath: string, outPath: string): Promise<number> {
  const chrome = toChromeTrace(await readTraceFile(tracePath));
  fs.writeFileSync(outPath, JSON.stringify(chrome));
  return chrome.traceEvents.length;
}
