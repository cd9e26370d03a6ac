/**
 * Connected-component labelling of a binary mask, 4- or 8-connected.
 *
 * One breadth-first flood fill per component with a preallocated Int32Array queue: every pixel is
 * enqueued at most once, so the whole labelling is O(N) with no recursion and no per-pixel allocation.
 * Labels are numbered 1, 2, … in row-major order of each component's first pixel; 0 is background.
 */

export type Connectivity = 4 | 8;

export interface ConnectedComponents {
  /** Per pixel, row-major: 0 for background, 1..count for the component the pixel belongs to. */
  labels: Int32Array;
  /** Number of components. */
  count: number;
  /** sizes[label] = pixel count of that component; length count + 1, sizes[0] = 0 (background not counted). */
  sizes: Int32Array;
}

/**
 * Which component wins when several share the largest size. 'row-major' takes the one whose first pixel
 * comes first scanning rows (the lowest label); 'column-major' scans columns, as MATLAB's bwconncomp does.
 */
export type TieBreak = 'row-major' | 'column-major';

/** Labels the nonzero pixels of `mask` (row-major, width × height). */
export function labelConnectedComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  connectivity: Connectivity = 4,
): ConnectedComponents {
  const n = width * height;
  if (mask.length !== n) {
    throw new RangeError(
      `labelConnectedComponents: mask has ${mask.length} pixels, expected ${width}×${height}`,
    );
  }
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizeList: number[] = [0];
  const diagonal = connectivity === 8;
  let count = 0;

  for (let start = 0; start < n; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const label = ++count;
    labels[start] = label;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const p = queue[head++];
      const y = (p / width) | 0;
      const x = p - y * width;
      const left = x > 0;
      const right = x < width - 1;
      const up = y > 0;
      const down = y < height - 1;
      // Label on enqueue so a pixel can never enter the queue twice.
      if (left && mask[p - 1] !== 0 && labels[p - 1] === 0) {
        labels[p - 1] = label;
        queue[tail++] = p - 1;
      }
      if (right && mask[p + 1] !== 0 && labels[p + 1] === 0) {
        labels[p + 1] = label;
        queue[tail++] = p + 1;
      }
      if (up) {
        const q = p - width;
        if (mask[q] !== 0 && labels[q] === 0) {
          labels[q] = label;
          queue[tail++] = q;
        }
        if (diagonal) {
          if (left && mask[q - 1] !== 0 && labels[q - 1] === 0) {
            labels[q - 1] = label;
            queue[tail++] = q - 1;
          }
          if (right && mask[q + 1] !== 0 && labels[q + 1] === 0) {
            labels[q + 1] = label;
            queue[tail++] = q + 1;
          }
        }
      }
      if (down) {
        const q = p + width;
        if (mask[q] !== 0 && labels[q] === 0) {
          labels[q] = label;
          queue[tail++] = q;
        }
        if (diagonal) {
          if (left && mask[q - 1] !== 0 && labels[q - 1] === 0) {
            labels[q - 1] = label;
            queue[tail++] = q - 1;
          }
          if (right && mask[q + 1] !== 0 && labels[q + 1] === 0) {
            labels[q + 1] = label;
            queue[tail++] = q + 1;
          }
        }
      }
    }
    sizeList.push(tail);
  }

  return { labels, count, sizes: Int32Array.from(sizeList) };
}

/** The label of the largest component (0 when there is none), ties settled by `tieBreak`. */
export function largestComponentLabel(
  components: ConnectedComponents,
  width: number,
  height: number,
  tieBreak: TieBreak = 'row-major',
): number {
  const { labels, count, sizes } = components;
  let best = 0;
  let bestSize = 0;
  let ties = 0;
  for (let label = 1; label <= count; label++) {
    if (sizes[label] > bestSize) {
      bestSize = sizes[label];
      best = label;
      ties = 1;
    } else if (sizes[label] === bestSize) {
      ties++;
    }
  }
  // Labels already follow row-major order, so the lowest label wins; only a column-major tie needs a scan.
  if (ties <= 1 || tieBreak === 'row-major') return best;
  for (let x = 0; x < width; x++) {
    for (let p = x; p < width * height; p += width) {
      const label = labels[p];
      if (label !== 0 && sizes[label] === bestSize) return label;
    }
  }
  return best;
}

/** A 0/1 mask of the largest connected component of `mask` (all zeros when `mask` is empty). */
export function largestComponentMask(
  mask: Uint8Array,
  width: number,
  height: number,
  connectivity: Connectivity = 4,
  tieBreak: TieBreak = 'row-major',
): Uint8Array {
  const components = labelConnectedComponents(mask, width, height, connectivity);
  const best = largestComponentLabel(components, width, height, tieBreak);
  const out = new Uint8Array(width * height);
  if (best === 0) return out;
  const labels = components.labels;
  for (let p = 0; p < out.length; p++) out[p] = labels[p] === best ? 1 : 0;
  return out;
}
