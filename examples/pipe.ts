// The seed's Pipe program: the child sends on its end and closes it; the parent receives.
import { Connection, Pipe, Process, main } from "procscope";

export function reply(conn: Connection<[number, null, string]>): void {
  conn.send([42, null, "hello"]);
  conn.close();
}

main(async () => {
  const [parentConn, childConn] = Pipe<[number, null, string]>();
  const p = new Process({ target: reply, args: [childConn] });
  p.start();
  console.log(await parentConn.recv()); // [ 42, null, 'hello' ]
  await p.join();
});
