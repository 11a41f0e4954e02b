/** `procscope report TRACE`: the summary of a saved run. */
import { readTraceFile } from "./trace-file";
import { formatSummary } from "./summary";
import { RunModel } from "../model/run-model";

export async function reportTrace(file: string): Promise<string> {
  const model = new RunModel();
  const events = await readTraceFile(file);
  for (const event of events) model.add(event);
  if (model.endedAt === null) {
    process.stderr.write(
      `procscope: ${file}: the trace has no run.end: the run was cut short, or the file lost its end; this is what it recorded\n`,
    );
    // Lifetimes and waits still open end with the last thing recorded.
    model.endAt(model.lastEventAt);
  }
  return formatSummary(model);
}
