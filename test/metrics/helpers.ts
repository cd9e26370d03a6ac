import type { PlaneF32, Trimap } from '../../src/core/image.ts';

/** A Float32 plane from row-major values. */
export function plane(width: number, height: number, values: number[]): PlaneF32 {
  if (values.length !== width * height) throw new Error('plane: wrong number of values');
  return { data: Float32Array.from(values), width, height };
}

export function trimap(width: number, height: number, values: number[]): Trimap {
  if (values.length !== width * height) throw new Error('trimap: wrong number of values');
  return { data: Uint8Array.from(values), width, height };
}

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomPlane(width: number, height: number, next: () => number): PlaneF32 {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = next();
  return { data, width, height };
}

/**
 * A soft disc with noise: something shaped like a real matte (solid core, soft edge, a few stray
 * blobs), so connectivity sees both a big component and many small ones.
 */
export function syntheticMatte(width: number, height: number, next: () => number, noise: number): PlaneF32 {
  const data = new Float32Array(width * height);
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) / 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const a = Math.min(1, Math.max(0, (r - d) / 8 + 0.5)) + noise * (next() - 0.5);
      data[y * width + x] = Math.min(1, Math.max(0, a));
    }
  }
  return { data, width, height };
}
