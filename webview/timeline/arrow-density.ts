/**
 * How many message arrows the timeline draws, and how strongly: pure arithmetic, kept apart
 * from the drawing so that it is testable without a browser.
 */

/** More arrows than this in view are sampled: a denser picture says nothing more. */
export const arrowBudget = 1_500;

/**
 * Draw every `stride`-th message when `visible` are in view: a power of two, so that
 * zooming in keeps the arrows already shown and adds others between them.
 */
export function arrowStride(visible: number): number {
  return visible > arrowBudget ? 2 ** Math.ceil(Math.log2(visible / arrowBudget)) : 1;
}

/** Arrows drawn one by one up to this many; beyond, each is lighter. */
const solidArrows = 150;

/** How opaque each arrow is when `drawn` are in view (sampled ones are lighter still). */
export function arrowAlpha(drawn: number, stride: number): number {
  const alpha = drawn > solidArrows ? Math.max(0.2, solidArrows / drawn) : 1;
  return stride > 1 ? Math.min(alpha, 0.35) : alpha;
}
