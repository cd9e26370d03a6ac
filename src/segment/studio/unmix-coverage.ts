/**
 * Coverage of one pixel by colour unmixing: with the backdrop colour B and the subject colour F known
 * nearby, a pixel that mixes them is I = αF + (1 − α)B, so α = (I − B)·(F − B) / ‖F − B‖².
 * Two cases give no answer (NaN): F and B too alike to tell apart, and a colour far off the line from B
 * to F (a part of the subject in another colour, not a mix), where the projection would be meaningless.
 */

/** ‖F − B‖² below this (RGB in [0, 1]): too alike to unmix (‖F − B‖ < 0.08). */
export const MIN_CONTRAST2 = 0.08 * 0.08;
/** A colour whose distance from the B–F line exceeds this share of ‖F − B‖ is not a mix of the two. */
export const MAX_OFF_LINE = 0.35;

/**
 * α (unclamped) of colour I at data[o..o+2] between B = b[q..q+2] and F = f[q..q+2], or NaN.
 */
export function unmixCoverage(
  data: Float32Array,
  o: number,
  b: ArrayLike<number>,
  f: ArrayLike<number>,
  q: number,
): number {
  const d0 = f[q] - b[q];
  const d1 = f[q + 1] - b[q + 1];
  const d2 = f[q + 2] - b[q + 2];
  const dd = d0 * d0 + d1 * d1 + d2 * d2;
  if (dd < MIN_CONTRAST2) return Number.NaN;
  const e0 = data[o] - b[q];
  const e1 = data[o + 1] - b[q + 1];
  const e2 = data[o + 2] - b[q + 2];
  const a = (e0 * d0 + e1 * d1 + e2 * d2) / dd;
  const r0 = e0 - a * d0;
  const r1 = e1 - a * d1;
  const r2 = e2 - a * d2;
  if (r0 * r0 + r1 * r1 + r2 * r2 > MAX_OFF_LINE * MAX_OFF_LINE * dd) return Number.NaN;
  return a;
}
