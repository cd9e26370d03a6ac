/**
 * Spill suppression: light bounced off the screen tints a subject's edges (and hair) green or blue.
 * The screen channel is limited by the other two, so a colour can be no "greener" (bluer) than neutral:
 *  - 'max': G ≤ max(R, B) — gentle, keeps yellows and cyans;
 *  - 'average': G ≤ (R + B)/2 — stronger, the usual choice for heavy spill.
 * Colours that are not screen-tinted pass unchanged.
 */
import type { InterleavedF32 } from '../core/image.ts';
import type { ChromaScreen } from './chroma-screen.ts';

export type DespillMethod = 'max' | 'average' | 'none';

/** Despills the pixel at data[p..p+2] in place. */
export function despillPixel(
  data: Float32Array,
  p: number,
  screen: ChromaScreen,
  method: DespillMethod,
): void {
  if (method === 'none') return;
  // The screen channel, and the other two.
  const s = screen === 'green' ? p + 1 : p + 2;
  const x = data[p];
  const y = screen === 'green' ? data[p + 2] : data[p + 1];
  const limit = method === 'average' ? 0.5 * (x + y) : x > y ? x : y;
  if (data[s] > limit) data[s] = limit;
}

/** Despills an RGB(…) image in place; returns it. */
export function despill(
  image: InterleavedF32,
  screen: ChromaScreen,
  method: DespillMethod = 'max',
): InterleavedF32 {
  const { channels, data } = image;
  for (let p = 0; p < data.length; p += channels) despillPixel(data, p, screen, method);
  return image;
}
