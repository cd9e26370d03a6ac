/**
 * Fractal value noise: random values on a lattice, smoothly interpolated, summed over octaves of
 * halving cell size. Cheap (a lattice lookup and two lerps per pixel per octave), seeded, and good
 * enough for walls, paper and cloth behind a subject.
 */

import type { Random } from './random.ts';

function smooth(f: number): number {
  return f * f * (3 - 2 * f);
}

/** Noise in [0, 1] over width×height; octaves stop before cells get smaller than 2 pixels. */
export function fractalNoise(
  width: number,
  height: number,
  rng: Random,
  cellSize: number,
  octaves: number,
  persistence = 0.5,
): Float32Array {
  const out = new Float32Array(width * height);
  const colIndex = new Int32Array(width);
  const colWeight = new Float32Array(width);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const cell = cellSize / 2 ** o;
    if (cell < 2 && o > 0) break;
    const offsetX = rng.next();
    const offsetY = rng.next();
    const gridWidth = Math.floor(width / cell) + 3;
    const gridHeight = Math.floor(height / cell) + 3;
    const lattice = new Float32Array(gridWidth * gridHeight);
    for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next();
    for (let x = 0; x < width; x++) {
      const gx = (x + 0.5) / cell + offsetX;
      const ix = Math.floor(gx);
      colIndex[x] = ix;
      colWeight[x] = smooth(gx - ix);
    }
    for (let y = 0; y < height; y++) {
      const gy = (y + 0.5) / cell + offsetY;
      const iy = Math.floor(gy);
      const fy = smooth(gy - iy);
      const top = iy * gridWidth;
      const bottom = top + gridWidth;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const ix = colIndex[x];
        const fx = colWeight[x];
        const a = lattice[top + ix] + fx * (lattice[top + ix + 1] - lattice[top + ix]);
        const b = lattice[bottom + ix] + fx * (lattice[bottom + ix + 1] - lattice[bottom + ix]);
        out[row + x] += amplitude * (a + fy * (b - a));
      }
    }
    total += amplitude;
    amplitude *= persistence;
  }
  const inv = 1 / total;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}
