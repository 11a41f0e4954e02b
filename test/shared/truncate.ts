/**
 * A trace cut short the way a full disk or a killed writer cuts one: in the middle of a
 * line. (A cut at a line's end leaves a trace that reads fine, only shorter, so cutting
 * at half the file's length would make a test pass or fail by where that half lands.)
 */
export function cutMidLine(text: string): string {
  const lines = text.split("\n");
  const middle = Math.floor(lines.length / 2);
  const line = lines[middle] ?? "";
  if (line.length < 2) throw new Error(`line ${middle + 1} is too short to cut in half`);
  return [...lines.slice(0, middle), line.slice(0, Math.floor(line.length / 2))].join("\n");
}
