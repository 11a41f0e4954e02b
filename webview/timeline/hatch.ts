/** The hatched fill of lock waits, made once per theme. */

/**
 * The look of a lock wait in one tile: the background, a tint of the lock colour and
 * diagonal stripes of it ("hatched"), so that each wait is a single fill.
 */
export function makeHatch(
  canvas: HTMLCanvasElement,
  background: string,
  colour: string,
): CanvasPattern | null {
  const ratio = window.devicePixelRatio || 1;
  const size = Math.round(6 * ratio);
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  const context = tile.getContext("2d");
  if (!context) return null;
  context.fillStyle = background;
  context.fillRect(0, 0, size, size);
  context.globalAlpha = 0.3;
  context.fillStyle = colour;
  context.fillRect(0, 0, size, size);
  context.globalAlpha = 1;
  context.strokeStyle = colour;
  context.lineWidth = 1.5 * ratio;
  context.beginPath();
  context.moveTo(-1, size + 1);
  context.lineTo(size + 1, -1);
  context.moveTo(-1, 1);
  context.lineTo(1, -1);
  context.moveTo(size - 1, size + 1);
  context.lineTo(size + 1, size - 1);
  context.stroke();
  const pattern = canvas.getContext("2d")?.createPattern(tile, "repeat") ?? null;
  // The pattern is in device pixels; the drawing context is scaled to CSS pixels.
  pattern?.setTransform(new DOMMatrix().scale(1 / ratio));
  return pattern;
}
