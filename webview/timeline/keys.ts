/** What each key does on the focused timeline: zoom, pan, scroll the lanes, fit. Pure. */

const zoomStep = 1.25;
const panFraction = 0.1;

export type KeyCommand =
  | { kind: "zoom"; factor: number }
  | { kind: "pan"; fraction: number }
  | { kind: "scroll"; lanes: number }
  | { kind: "start" }
  | { kind: "end" }
  | { kind: "fit" };

export function keyCommand(key: string): KeyCommand | null {
  switch (key) {
    case "+":
    case "=":
      return { kind: "zoom", factor: 1 / zoomStep };
    case "-":
    case "_":
      return { kind: "zoom", factor: zoomStep };
    case "ArrowLeft":
      return { kind: "pan", fraction: -panFraction };
    case "ArrowRight":
      return { kind: "pan", fraction: panFraction };
    case "ArrowUp":
      return { kind: "scroll", lanes: -1 };
    case "ArrowDown":
      return { kind: "scroll", lanes: 1 };
    case "Home":
      return { kind: "start" };
    case "End":
      return { kind: "end" };
    case "0":
      return { kind: "fit" };
    default:
      return null;
  }
}
