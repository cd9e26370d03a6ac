/**
 * The background plate B behind the subject: the backdrop's colour where the subject hides it, which
 * coverage unmixing measures every edge pixel against.
 *
 * A studio backdrop is a smooth field (a sweep rolling from wall to floor, a vignette, a lighting
 * gradient). Filling the hole by pull-push alone (pull-push-fill.ts) levels it off: across a subject a
 * tenth of the frame wide, a sweep's gradient left out shifts B by several percent, and every coverage
 * with it. So B is a cubic surface fitted per channel by least squares to the backdrop pixels, which
 * follows gradients across the hole, plus what the surface misses (a shadow's edge, lighting it cannot
 * bend to) filled in by pull-push from the same pixels.
 */
import type { InterleavedF32 } from '../../core/image.ts';
import { pullPushFill } from './pull-push-fill.ts';

/** Monomials x^i y^j with i + j ≤ 3. */
const TERMS = 10;

/** Fills the pixels `keep` leaves out (RGB, working size); kept pixels keep their own colour. */
export function backdropPlate(image: InterleavedF32, keep: Uint8Array): InterleavedF32 {
  const { width, height, data } = image;
  const n = width * height;
  const coefficients = fitCubic(image, keep);
  if (!coefficients) return pullPushFill(image, keep);
  const surface = new Float32Array(3 * n);
  const residual = new Float32Array(3 * n);
  const basis = new Float64Array(TERMS);
  for (let y = 0; y < height; y++) {
    const v = normalised(y, height);
    for (let x = 0; x < width; x++) {
      monomials(normalised(x, width), v, basis);
      const i = y * width + x;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let t = 0; t < TERMS; t++) s += coefficients[c * TERMS + t] * basis[t];
        surface[3 * i + c] = s;
        residual[3 * i + c] = data[3 * i + c] - s;
      }
    }
  }
  // The residual is filled about zero: away from shadows and uneven light it is the backdrop's noise.
  const filled = pullPushFill({ width, height, channels: 3, data: residual }, keep, 0).data;
  const out = new Float32Array(3 * n);
  for (let k = 0; k < 3 * n; k++) out[k] = surface[k] + filled[k];
  return { width, height, channels: 3, data: out };
}

function normalised(v: number, size: number): number {
  return size > 1 ? (2 * v) / (size - 1) - 1 : 0;
}

function monomials(x: number, y: number, out: Float64Array): void {
  out[0] = 1;
  out[1] = x;
  out[2] = y;
  out[3] = x * x;
  out[4] = x * y;
  out[5] = y * y;
  out[6] = x * x * x;
  out[7] = x * x * y;
  out[8] = x * y * y;
  out[9] = y * y * y;
}

/** Least-squares cubic per channel (3 × TERMS coefficients), or undefined when too few pixels pin it. */
function fitCubic(image: InterleavedF32, keep: Uint8Array): Float64Array | undefined {
  const { width, height, data } = image;
  const normal = new Float64Array(TERMS * TERMS);
  const rhs = new Float64Array(3 * TERMS);
  const basis = new Float64Array(TERMS);
  let count = 0;
  for (let y = 0; y < height; y++) {
    const v = normalised(y, height);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (keep[i] === 0) continue;
      count++;
      monomials(normalised(x, width), v, basis);
      for (let a = 0; a < TERMS; a++) {
        const ba = basis[a];
        for (let b = a; b < TERMS; b++) normal[a * TERMS + b] += ba * basis[b];
        rhs[a] += ba * data[3 * i];
        rhs[TERMS + a] += ba * data[3 * i + 1];
        rhs[2 * TERMS + a] += ba * data[3 * i + 2];
      }
    }
  }
  if (count < 4 * TERMS) return undefined;
  for (let a = 0; a < TERMS; a++) for (let b = 0; b < a; b++) normal[a * TERMS + b] = normal[b * TERMS + a];
  const out = new Float64Array(3 * TERMS);
  for (let c = 0; c < 3; c++) {
    const solved = solve(normal.slice(), rhs.slice(c * TERMS, (c + 1) * TERMS));
    if (!solved) return undefined;
    out.set(solved, c * TERMS);
  }
  return out;
}

/** Gaussian elimination with partial pivoting; undefined for a (nearly) singular system. */
function solve(m: Float64Array, b: Float64Array): Float64Array | undefined {
  const size = b.length;
  let scale = 0;
  for (let k = 0; k < m.length; k++) scale = Math.max(scale, Math.abs(m[k]));
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) {
      if (Math.abs(m[r * size + col]) > Math.abs(m[pivot * size + col])) pivot = r;
    }
    if (Math.abs(m[pivot * size + col]) <= 1e-12 * scale) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < size; k++) {
        const t = m[col * size + k];
        m[col * size + k] = m[pivot * size + k];
        m[pivot * size + k] = t;
      }
      const t = b[col];
      b[col] = b[pivot];
      b[pivot] = t;
    }
    for (let r = col + 1; r < size; r++) {
      const f = m[r * size + col] / m[col * size + col];
      if (f === 0) continue;
      for (let k = col; k < size; k++) m[r * size + k] -= f * m[col * size + k];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(size);
  for (let r = size - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < size; k++) s -= m[r * size + k] * x[k];
    x[r] = s / m[r * size + r];
  }
  return x;
}
