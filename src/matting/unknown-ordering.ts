/**
 * A reverse Cuthill–McKee ordering of the unknown pixels (Cuthill & McKee 1969; George 1971).
 *
 * The order in which unknowns are numbered decides how much fill an incomplete Cholesky factor needs to
 * be a good preconditioner. Row-major numbering is poor for a trimap band: where the band runs along an
 * image row, pixels two rows apart are hundreds of indices apart, and the factor fills that whole gap.
 * Breadth-first numbering walks along the band instead, so coupled pixels stay about one cross-section
 * of the band apart. On the alphamatting.com images (trimap1) it cut the factor's fill by 5–20 % on 12
 * of the 14 (8 % more on GT27), at about the same iteration counts; mean time fell about 5 %.
 *
 * The breadth-first search runs over 8-connected unknown pixels. The Laplacian also couples pixels two
 * apart, but the levels of the 8-connected search are what matters, and measured fill and iteration
 * counts were the same as with the 5×5 neighbourhood at a third of the cost. Each component starts from
 * the end of one preliminary sweep (a pseudo-peripheral pixel, as in George & Liu 1979).
 */

const DX = [-1, 0, 1, -1, 1, -1, 0, 1];
const DY = [-1, -1, -1, 0, 0, 1, 1, 1];

/**
 * The unknown pixels (indices y·width + x where `unknown[p]` is non-zero) in reverse Cuthill–McKee
 * order.
 */
export function orderUnknownPixels(unknown: Uint8Array, width: number, height: number): Int32Array {
  const npix = width * height;
  let n = 0;
  for (let p = 0; p < npix; p++) if (unknown[p]) n++;
  const order = new Int32Array(n);
  const queue = new Int32Array(n);
  // A sweep stamps the pixels it reaches with its number; placed pixels are stamped −1.
  const stamp = new Int32Array(npix);
  let sweep = 0;
  let placed = 0;

  // Breadth-first sweep from `start` over unknown pixels not yet placed, written to `into` from
  // `offset`; returns how many were reached.
  const bfs = (start: number, into: Int32Array, offset: number): number => {
    sweep++;
    let head = offset;
    let tail = offset;
    into[tail++] = start;
    stamp[start] = sweep;
    while (head < tail) {
      const p = into[head++];
      const x = p % width;
      const y = (p - x) / width;
      for (let k = 0; k < 8; k++) {
        const nx = x + DX[k];
        const ny = y + DY[k];
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (unknown[q] && stamp[q] >= 0 && stamp[q] !== sweep) {
          stamp[q] = sweep;
          into[tail++] = q;
        }
      }
    }
    return tail - offset;
  };

  for (let s = 0; s < npix; s++) {
    if (!unknown[s] || stamp[s] < 0) continue;
    const reached = bfs(s, queue, 0);
    const count = bfs(queue[reached - 1], order, placed);
    for (let i = placed; i < placed + count; i++) stamp[order[i]] = -1;
    placed += count;
  }
  order.reverse();
  return order;
}
