/**
 * The hole test: backdrop seen through the subject (the inside of a mug's handle, of a ring, between an
 * arm and the body). Enclosed by foreground, such a region costs the cut its whole outline, so a cut may
 * find it cheaper to fill it in, the more so the smaller it is; and once filled, the foreground colour
 * model learns the backdrop's colour and keeps it filled.
 *
 * It is found as an 8-connected region of foreground-labelled pixels whose colours fit the backdrop as
 * well as the frame's own pixels do (`backgroundLike`, judged against the frame's colour model, which the
 * subject cannot have contaminated), and large enough not to be a highlight or a speck of texture.
 */
import { labelConnectedComponents } from '../../core/connected-components.ts';

/**
 * Returns a mask (1 = backdrop to take out of the foreground). `labels`: 1 foreground, 0 background;
 * `backgroundLike`: 1 where the colour fits the backdrop; `minArea`: smallest region taken out, in pixels.
 */
export function findEnclosedBackground(
  labels: Uint8Array,
  backgroundLike: Uint8Array,
  width: number,
  height: number,
  minArea: number,
): Uint8Array {
  const n = width * height;
  const candidate = new Uint8Array(n);
  for (let i = 0; i < n; i++) candidate[i] = labels[i] === 1 && backgroundLike[i] === 1 ? 1 : 0;
  const { labels: region, count, sizes } = labelConnectedComponents(candidate, width, height, 8);
  const out = new Uint8Array(n);
  if (count === 0) return out;
  for (let i = 0; i < n; i++) {
    const r = region[i];
    if (r !== 0 && sizes[r] >= minArea) out[i] = 1;
  }
  return out;
}
