import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeCutout } from '../../src/compose/compose-cutout.ts';
import { blurredBackground, fitCover, replaceBackground } from '../../src/compose/replace-background.ts';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';

const W = 8;
const H = 4;
const red: InterleavedF32 = {
  data: new Float32Array(W * H * 3).map((_, i) => (i % 3 === 0 ? 1 : 0)),
  width: W,
  height: H,
  channels: 3,
};
const ramp: PlaneF32 = {
  data: Float32Array.from({ length: W * H }, (_, i) => (i % W) / (W - 1)),
  width: W,
  height: H,
};

test('over an opaque colour: αF + (1 − α)B, opaque; over a translucent one: Porter–Duff over', () => {
  const opaque = replaceBackground(red, ramp, red, { kind: 'colour', colour: [0, 0, 1, 1] });
  assert.equal(opaque.alpha, undefined);
  for (let i = 0; i < W * H; i++) {
    const a = ramp.data[i];
    assert.ok(Math.abs(opaque.colour.data[i * 3] - a) < 1e-6);
    assert.ok(Math.abs(opaque.colour.data[i * 3 + 2] - (1 - a)) < 1e-6);
  }
  const half = replaceBackground(red, ramp, red, { kind: 'colour', colour: [0, 0, 1, 0.5] });
  for (let i = 0; i < W * H; i++) {
    const a = ramp.data[i];
    const total = a + (1 - a) * 0.5;
    assert.ok(Math.abs(half.alpha!.data[i] - total) < 1e-6);
    // Premultiplied result a·red + (1 − a)·0.5·blue, divided by the total alpha.
    assert.ok(Math.abs(half.colour.data[i * 3] - a / total) < 1e-6);
    assert.ok(Math.abs(half.colour.data[i * 3 + 2] - ((1 - a) * 0.5) / total) < 1e-6);
  }
});

test('an image background is scaled to cover and centred', () => {
  // 4 × 1 source: columns 0, 1, 2, 3 (grey levels /3). Covering 2 × 2 scales by 2 → 8 × 2, centre columns 3, 4.
  const source = {
    data: Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3].map((v) => v / 3)),
    width: 4,
    height: 1,
    channels: 3,
  };
  const covered = fitCover(source, 2, 2);
  assert.deepEqual([covered.width, covered.height], [2, 2]);
  // Bilinear at 2× with aligned centres: output x = 3 samples source 1.25 → 1.25/3; x = 4 samples 1.75 → 1.75/3.
  assert.ok(Math.abs(covered.data[0] - 1.25 / 3) < 1e-5, `${covered.data[0]}`);
  assert.ok(Math.abs(covered.data[3] - 1.75 / 3) < 1e-5, `${covered.data[3]}`);
  const composed = replaceBackground(red, { ...ramp, data: new Float32Array(W * H) }, red, {
    kind: 'image',
    image: source,
  });
  assert.equal(composed.colour.width, W);
  assert.equal(composed.alpha, undefined);
});

test('a blurred background carries none of the subject’s colour', () => {
  const width = 60;
  const height = 40;
  // Photo: a red subject (α = 1 in the middle) on a blue background.
  const photo: InterleavedF32 = { data: new Float32Array(width * height * 3), width, height, channels: 3 };
  const alpha: PlaneF32 = { data: new Float32Array(width * height), width, height };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= 20 && x < 40 && y >= 10 && y < 30;
      alpha.data[y * width + x] = inside ? 1 : 0;
      photo.data.set(inside ? [1, 0, 0] : [0, 0, 1], (y * width + x) * 3);
    }
  }
  const background = blurredBackground(photo, alpha, 6);
  // Just outside the subject a plain blur would be half red; the normalised one stays blue.
  const i = (20 * width + 18) * 3;
  assert.ok(background.data[i] < 0.01, `red ${background.data[i]}`);
  assert.ok(background.data[i + 2] > 0.99);
});

test('compose: mask only is one grey channel; crop applies to everything', () => {
  const a: PlaneF32 = { data: new Float32Array(W * H), width: W, height: H };
  a.data[1 * W + 2] = 1;
  a.data[2 * W + 4] = 0.5;
  const mask = composeCutout(red, a, red, { maskOnly: true, crop: true });
  assert.deepEqual(
    [mask.colour.channels, mask.colour.width, mask.colour.height, mask.alpha],
    [1, 3, 2, undefined],
  );
  assert.deepEqual(mask.crop, { x0: 2, y0: 1, x1: 5, y1: 3 });
  const cut = composeCutout(red, a, red, { crop: true, margin: { pixels: 1 } });
  assert.deepEqual([cut.colour.width, cut.colour.height, cut.alpha!.width], [5, 4, 5]);
  const onWhite = composeCutout(red, a, red, { background: { kind: 'colour', colour: [1, 1, 1, 1] } });
  assert.equal(onWhite.alpha, undefined);
  assert.equal(onWhite.colour.data[1], 1); // transparent corner: white
});
