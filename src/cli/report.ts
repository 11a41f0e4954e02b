/** `procscope report TRACE`: the summary of a saved run. */
import { readTraceFile } from "./trace-file";
import { formatSummary } from "./summary";
import { RunModel } from "../model/run-model";

export async function reportTrace(file: string): Promise<string> {
  const model = new RunModel();
  for (const event of await readTraceFile(file)) model.add(event);
  return formatSummary(model);
}
