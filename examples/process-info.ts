// The seed's first program: a child process reports who it is and who its parent is.
import { Process, currentProcess, main } from "procscope";

export function info(title: string): void {
  console.log(title);
  console.log("module name:", "process-info");
  console.log("parent process:", process.ppid);
  console.log("process id:", process.pid);
}

export function greet(name: string): void {
  info("function greet");
  console.log(`hello ${name} from ${currentProcess().name}`);
}

main(async () => {
  info("main line");
  const p = new Process({ target: greet, args: ["bob"] });
  p.start();
  await p.join();
  console.log(`${p.name} exited with code ${p.exitCode}`);
});
