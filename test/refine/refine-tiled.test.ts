import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, PlaneF32, Trimap } from '../../src/core/image.ts';
import { sadError } from '../../src/metrics/index.ts';
import { planRefineTiles } from '../../src/refine/refine-tile-plan.ts';
import { refineAlphaTiled } from '../../src/refine/refine-tiled.ts';

/**
 * I = αF + (1 − α)B with two distinct colours and a ramp of α across a band 200 px wide, all unknown, with a
 * network that knows nothing there (p = 0.5, no weight): only colour samples can tell α.
 */
function wideBand(width = 400, height = 60) {
  const F = [0.9, 0.8, 0.1];
  const B = [0.1, 0.2, 0.7];
  const image: InterleavedF32 = { data: new Float32Array(width * height * 3), width, height, channels: 3 };
  const trimap: Trimap = { data: new Uint8Array(width * height), width, height };
  const probability: PlaneF32 = { data: new Float32Array(width * height), width, height };
  const alpha: PlaneF32 = { data: new Float32Array(width * height), width, height };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = x < 100 ? 0 : x >= 300 ? 1 : (x - 100) / 199;
      alpha.data[i] = a;
      for (let k = 0; k < 3; k++) image.data[i * 3 + k] = a * F[k] + (1 - a) * B[k];
      trimap.data[i] = x < 100 ? 0 : x >= 300 ? 255 : 128;
      probability.data[i] = x < 100 ? 0 : x >= 300 ? 1 : 0.5;
    }
  }
  return { image, trimap, probability, alpha };
}

test('a tile with no sure pixel in reach takes its colour samples from a wider context crop', async () => {
  const { image, trimap, probability, alpha } = wideBand();
  const tiles = { tileSize: 40, margin: 8 };
  // The middle tiles solve rectangles that hold no known pixel at all.
  const blind = planRefineTiles(trimap, tiles).filter(({ solve }) => solve.x0 >= 100 && solve.x1 <= 300);
  assert.ok(blind.length > 0);
  const result = await refineAlphaTiled(image, trimap, probability, {
    tiles,
    tile: { foreground: false, snap: 0, sampleRadius: 16 },
  });
  // Exact samples give the exact ramp; a tile without samples would hold α near 0.5 (SAD 5.3 here).
  const sad = sadError(result.alpha, alpha);
  assert.ok(sad < 0.05, `SAD ${sad.toFixed(3)}`);
});
