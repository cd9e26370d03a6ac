import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageRect, maskArea, rasterizeCoverage } from '../../src/synth/coverage.ts';
import { motionBlurMask, motionKernel } from '../../src/synth/motion-blur.ts';
import { ellipse, roundedRect } from '../../src/synth/shapes.ts';

const clip = imageRect(200, 120);

function at(
  mask: { x0: number; y0: number; width: number; height: number; data: Float32Array },
  x: number,
  y: number,
) {
  const col = x - mask.x0;
  const row = y - mask.y0;
  if (col < 0 || row < 0 || col >= mask.width || row >= mask.height) return 0;
  return mask.data[row * mask.width + col];
}

test('the kernel has unit weight and spans the blur length', () => {
  for (const [angle, length] of [
    [0, 20],
    [Math.PI / 4, 13.5],
    [2, 7.2],
    [0, 0],
  ]) {
    const k = motionKernel(angle, length);
    let sum = 0;
    let meanX = 0;
    let meanY = 0;
    for (let i = 0; i < k.weight.length; i++) {
      sum += k.weight[i];
      meanX += k.weight[i] * k.dx[i];
      meanY += k.weight[i] * k.dy[i];
    }
    assert.ok(Math.abs(sum - 1) < 1e-12);
    // Centred path: no shift of the shape.
    assert.ok(Math.abs(meanX) < 1e-9 && Math.abs(meanY) < 1e-9, `${meanX}, ${meanY}`);
    const span = Math.max(...k.dx) - Math.min(...k.dx);
    assert.ok(span <= Math.ceil(Math.abs(length * Math.cos(angle))) + 1);
  }
  assert.deepEqual([...motionKernel(1, 0).weight], [1]);
});

function rampWidth(mask: ReturnType<typeof motionBlurMask>, y: number, from: number, to: number): number {
  let count = 0;
  for (let x = from; x < to; x++) {
    const a = at(mask, x, y);
    if (a > 0.01 && a < 0.99) count++;
  }
  return count;
}

test('a vertical edge blurred horizontally by L ramps linearly over ≈ L pixels', () => {
  // A wide block whose left edge sits at x = 60.5.
  const block = roundedRect(60.5 + 500, 60, 500, 1000, 0);
  const sharp = rasterizeCoverage(block.distance, block.bounds, clip);
  for (const length of [8, 20, 33.3]) {
    const blurred = motionBlurMask(sharp, 0, length, clip);
    // Only the left edge: the block is also cut by the frame on the right.
    const width = rampWidth(blurred, 60, 0, 120);
    assert.ok(Math.abs(width - length) <= 2, `L=${length}: ramp of ${width} px`);
    // Linear ramp: mid-ramp alpha ≈ 0.5 at the edge, slope 1/L.
    assert.ok(Math.abs(at(blurred, 60, 60) - 0.5) < 0.03);
    const slope = (at(blurred, 63, 60) - at(blurred, 57, 60)) / 6;
    assert.ok(Math.abs(slope - 1 / length) < 0.15 / length, `slope ${slope}`);
  }
});

test('blur along 45° spreads a vertical edge over L·cos 45° pixels across a row', () => {
  const block = roundedRect(100.5 + 500, 60, 500, 1000, 0);
  const sharp = rasterizeCoverage(block.distance, block.bounds, clip);
  const length = 30;
  const width = rampWidth(motionBlurMask(sharp, Math.PI / 4, length, clip), 60, 0, 160);
  assert.ok(Math.abs(width - length * Math.SQRT1_2) <= 2, `ramp of ${width} px`);
  // An edge parallel to the motion stays sharp.
  const sharpRows = rampWidth(motionBlurMask(sharp, Math.PI / 2, length, clip), 60, 0, 160);
  assert.ok(sharpRows <= 1);
});

test('blur keeps the total coverage and a disc stays centred', () => {
  const disc = ellipse(100.2, 60.7, 25, 25);
  const sharp = rasterizeCoverage(disc.distance, disc.bounds, clip);
  const blurred = motionBlurMask(sharp, 0.6, 24, clip);
  assert.ok(Math.abs(maskArea(blurred) - maskArea(sharp)) < 1e-3 * maskArea(sharp));
  let sx = 0;
  let sy = 0;
  let total = 0;
  for (let row = 0; row < blurred.height; row++) {
    for (let col = 0; col < blurred.width; col++) {
      const a = blurred.data[row * blurred.width + col];
      sx += a * (blurred.x0 + col + 0.5);
      sy += a * (blurred.y0 + row + 0.5);
      total += a;
    }
  }
  assert.ok(Math.abs(sx / total - 100.2) < 0.05 && Math.abs(sy / total - 60.7) < 0.05);
  for (const a of blurred.data) assert.ok(a >= 0 && a <= 1);
});
