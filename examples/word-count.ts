// A parallel word count: each file of examples/ is counted by a pool worker, and the
// counts are merged as they finish (imapUnordered), whatever order that is.
import * as fs from "node:fs";
import * as path from "node:path";
import { Pool, main } from "procscope";

export function countWords(file: string): { file: string; words: Map<string, number> } {
  const words = new Map<string, number>();
  for (const word of fs
    .readFileSync(file, "utf8")
    .toLowerCase()
    .match(/[a-z]{3,}/g) ?? []) {
    words.set(word, (words.get(word) ?? 0) + 1);
  }
  return { file: path.basename(file), words };
}

main(async () => {
  const folder = process.argv[2] ?? __dirname;
  const files = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => path.join(folder, name));
  const total = new Map<string, number>();
  await using pool = new Pool(2);
  for await (const { file, words } of pool.imapUnordered(countWords, files)) {
    console.log(`counted ${file}: ${words.size} distinct words`);
    for (const [word, count] of words) total.set(word, (total.get(word) ?? 0) + count);
  }
  const top = [...total].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log("most frequent:", top.map(([word, count]) => `${word} ${count}`).join(", "));
});
