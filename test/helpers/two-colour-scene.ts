/** Small matting test scenes shared by the tests of the matting systems' memory-lean forms. */
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { Random } from '../../src/synth/index.ts';

/**
 * A noisy two-colour picture split by a wavy vertical edge, with a ragged unknown band along it (6–9 px to each
 * side).
 */
export function twoColourScene(
  width: number,
  height: number,
  seed: number,
): { image: InterleavedF32; trimap: Trimap } {
  const random = new Random(seed, 3);
  const data = new Float32Array(width * height * 3);
  const tri = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const edge = width / 2 + 4 * Math.sin(y / 3);
      const a = Math.min(1, Math.max(0, (x - edge) / 6 + 0.5));
      for (let c = 0; c < 3; c++)
        data[p * 3 + c] = a * (0.2 + 0.3 * c) + (1 - a) * 0.8 + 0.05 * random.next();
      tri[p] = x < edge - 6 - 3 * random.next() ? 0 : x > edge + 6 + 3 * random.next() ? 255 : 128;
    }
  }
  return { image: { data, width, height, channels: 3 }, trimap: { data: tri, width, height } };
}

export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
