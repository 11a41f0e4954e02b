// Summarises the .cpuprofile files of a directory (see cpu-profile.mjs): for each process,
// the time busy and idle, and the functions with the most self time.
// Usage: node bench/harness/profile-summary.mjs DIR [TOP]
import * as fs from "node:fs";
import * as path from "node:path";

const [dir, topText] = process.argv.slice(2);
const top = Number(topText ?? 15);
for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"))) {
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    // A sample's time is the gap to the next one.
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === "(idle)") {
      idle += ms;
      return;
    }
    busy += ms;
    const name = `${frame.functionName || "(anonymous)"} ${path.basename(frame.url)}:${frame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + ms);
  });
  process.stdout.write(`\n${file}: busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms\n`);
  const ranked = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, ms] of ranked) {
    const share = ((100 * ms) / busy).toFixed(1);
    process.stdout.write(`${ms.toFixed(1).padStart(9)} ms ${share.padStart(5)}%  ${name}\n`);
  }
}
