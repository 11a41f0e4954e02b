// Profiles every Node process of a run, the hub and the CLI's collector included (they
// cannot take --cpu-prof from NODE_OPTIONS, but take --import):
//
//   BENCH_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import $PWD/bench/harness/cpu-profile.mjs" \
//     node dist/cli/main.js run bench/procscope/handoff.ts --no-trace -- lock 5000
//   node bench/harness/profile-summary.mjs /tmp/prof
//
// Each process writes NAME-PID.cpuprofile (NAME: its script) when it exits, or on SIGTERM.
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as path from "node:path";

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 100 });
  session.post("Profiler.start");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously, so this works in an exit handler.
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      const name = path.basename(process.argv[1] ?? "node");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${name}-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    });
  };
  process.on("exit", write);
  process.once("SIGTERM", () => {
    write();
    process.exit(143);
  });
}
