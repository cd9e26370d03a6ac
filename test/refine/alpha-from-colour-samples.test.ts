import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { alphaFromColourSamples } from '../../src/refine/alpha-from-colour-samples.ts';

/** I = αF + (1 − α)B with F, B constant; a vertical band of unknowns holding a ramp of α. */
function composite(F: number[], B: number[], width = 60, height = 20) {
  const image: InterleavedF32 = { data: new Float32Array(width * height * 3), width, height, channels: 3 };
  const trimap: Trimap = { data: new Uint8Array(width * height), width, height };
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = x < 20 ? 0 : x >= 40 ? 1 : (x - 20) / 19;
      alpha[i] = a;
      for (let k = 0; k < 3; k++) image.data[i * 3 + k] = a * F[k] + (1 - a) * B[k];
      trimap.data[i] = x < 20 ? 0 : x >= 40 ? 255 : 128;
    }
  }
  return { image, trimap, alpha };
}

test('two distinct colours: α̂ is the exact mixing fraction with full confidence', () => {
  const { image, trimap, alpha } = composite([0.9, 0.8, 0.1], [0.1, 0.2, 0.7]);
  const prior = alphaFromColourSamples(image, trimap, { radius: 8 });
  for (let i = 0; i < alpha.length; i++) {
    if (trimap.data[i] !== 128) {
      assert.equal(prior.confidence[i], 0);
      continue;
    }
    assert.ok(Math.abs(prior.alpha[i] - alpha[i]) < 1e-4, `pixel ${i}: ${prior.alpha[i]} vs ${alpha[i]}`);
    // ‖F − B‖/√3 = √(0.64 + 0.36 + 0.36)/√3 ≈ 0.673, and the fit is exact.
    assert.ok(Math.abs(prior.confidence[i] - Math.sqrt(1.36 / 3)) < 1e-4);
  }
});

test('the nearest colours are used: a second background colour far away does not spoil the estimate', () => {
  // Red over blue; half of the background is green, which is never nearer than blue to a red–blue mix.
  const { image, trimap, alpha } = composite([0.9, 0.1, 0.1], [0.1, 0.1, 0.9], 60, 20);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) image.data.set([0.1, 0.9, 0.1], (y * 60 + x) * 3);
  const prior = alphaFromColourSamples(image, trimap, { radius: 30, neighbours: 2, candidates: 200 });
  for (let y = 10; y < 20; y++) {
    for (let x = 20; x < 40; x++) {
      const i = y * 60 + x;
      assert.ok(
        Math.abs(prior.alpha[i] - alpha[i]) < 0.02,
        `pixel ${x},${y}: ${prior.alpha[i]} vs ${alpha[i]}`,
      );
    }
  }
});

test('no contrast, no confidence; a colour off the F–B segment loses confidence through the fit', () => {
  const same = composite([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  const flat = alphaFromColourSamples(same.image, same.trimap, { radius: 8 });
  for (let i = 0; i < flat.confidence.length; i++) assert.equal(flat.confidence[i], 0);
  const { image, trimap } = composite([1, 1, 1], [0, 0, 0]);
  const i = 5 * 60 + 30;
  image.data.set([0.9, 0.1, 0.1], i * 3); // red: far from the grey axis between black and white
  const prior = alphaFromColourSamples(image, trimap, { radius: 8 });
  assert.ok(prior.confidence[i] < 0.01, `confidence ${prior.confidence[i]}`);
});

test('a cell with only one kind of known pixel nearby widens its search until it finds both', () => {
  const width = 200;
  const height = 10;
  const image: InterleavedF32 = { data: new Float32Array(width * height * 3), width, height, channels: 3 };
  const trimap: Trimap = { data: new Uint8Array(width * height).fill(128), width, height };
  for (let y = 0; y < height; y++) {
    trimap.data[y * width] = 0;
    trimap.data[y * width + width - 1] = 255;
    for (let x = 0; x < width; x++)
      image.data.set(x === width - 1 ? [1, 1, 1] : [0, 0, 0], (y * width + x) * 3);
  }
  const prior = alphaFromColourSamples(image, trimap, { radius: 4 });
  assert.equal(prior.alpha[5 * width + 100], 0);
  assert.ok(prior.confidence[5 * width + 100] > 0.99);
});

test('region: only the unknown pixels inside it are estimated, from samples outside it too', () => {
  const { image, trimap, alpha } = composite([0.9, 0.8, 0.1], [0.1, 0.2, 0.7]);
  // The region holds unknowns only (x 25–34): every sample must come from the context around it.
  const region = { x0: 25, y0: 5, x1: 35, y1: 15 };
  const prior = alphaFromColourSamples(image, trimap, { radius: 8, region });
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 60; x++) {
      const i = y * 60 + x;
      const inside = x >= region.x0 && x < region.x1 && y >= region.y0 && y < region.y1;
      if (!inside) {
        assert.equal(prior.confidence[i], 0, `pixel (${x}, ${y}) outside the region`);
        continue;
      }
      assert.ok(
        Math.abs(prior.alpha[i] - alpha[i]) < 1e-4,
        `pixel (${x}, ${y}): ${prior.alpha[i]} vs ${alpha[i]}`,
      );
      assert.ok(prior.confidence[i] > 0.6);
    }
  }
});
