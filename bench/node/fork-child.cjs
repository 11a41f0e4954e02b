// The child of the bare child_process.fork baselines. "hello": send one IPC message and
// exit; "idle": exit at once; "stream COUNT": send COUNT messages [i, null, "hello"], then
// one with the time sending began, and exit when everything has been written.
const [mode, countText] = process.argv.slice(2);

if (mode === "hello") {
  process.send(process.pid);
} else if (mode === "stream") {
  const count = Number(countText);
  const startedNs = Number(process.hrtime.bigint());
  for (let i = 0; i < count; i++) process.send([i, null, "hello"]);
  // The callback runs once this last message (and so every earlier one) has been written.
  process.send({ startedNs }, () => process.disconnect());
}
