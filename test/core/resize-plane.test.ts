import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resizeInterleaved, resizePlane } from '../../src/core/resize-plane.ts';
import { maxAbsDiff, mulberry32, randomF32, randomInt } from './random.ts';

/** PyTorch's upsample_bilinear2d with align_corners=False, written out per output pixel. */
function referenceBilinear(src: Float32Array, sw: number, sh: number, c: number, dw: number, dh: number) {
  const out = new Float64Array(dw * dh * c);
  const coord = (i: number, s: number, d: number) => {
    const pos = Math.max((s / d) * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(pos), s - 1);
    const i1 = i0 < s - 1 ? i0 + 1 : i0;
    return [i0, i1, pos - i0] as const;
  };
  for (let y = 0; y < dh; y++) {
    const [y0, y1, fy] = coord(y, sh, dh);
    for (let x = 0; x < dw; x++) {
      const [x0, x1, fx] = coord(x, sw, dw);
      for (let k = 0; k < c; k++) {
        const v = (yy: number, xx: number) => src[(yy * sw + xx) * c + k];
        out[(y * dw + x) * c + k] =
          (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1));
      }
    }
  }
  return out;
}

/** Integral of the source over each output pixel's footprint, by overlap with every source pixel. */
function referenceArea(src: Float32Array, sw: number, sh: number, c: number, dw: number, dh: number) {
  const out = new Float64Array(dw * dh * c);
  const overlap = (i: number, a: number, b: number) => Math.max(0, Math.min(i + 1, b) - Math.max(i, a));
  for (let y = 0; y < dh; y++) {
    const ay = (y * sh) / dh;
    const by = ((y + 1) * sh) / dh;
    for (let x = 0; x < dw; x++) {
      const ax = (x * sw) / dw;
      const bx = ((x + 1) * sw) / dw;
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let sy = 0; sy < sh; sy++) {
          for (let sx = 0; sx < sw; sx++) {
            sum += overlap(sx, ax, bx) * overlap(sy, ay, by) * src[(sy * sw + sx) * c + k];
          }
        }
        out[(y * dw + x) * c + k] = sum / ((bx - ax) * (by - ay));
      }
    }
  }
  return out;
}

const SIZES = [
  [1, 1, 1, 1],
  [1, 1, 5, 3],
  [6, 4, 1, 1],
  [8, 8, 8, 8],
  [4, 4, 16, 12], // integer upscale
  [16, 12, 4, 3], // integer downscale
  [7, 5, 3, 11], // non-integer, down in x and up in y
  [3, 7, 10, 2],
  [13, 1, 5, 1],
  [1, 13, 1, 6],
];

function cases(seed: number) {
  const random = mulberry32(seed);
  const list = SIZES.map((s) => [...s]);
  for (let i = 0; i < 10; i++) {
    list.push([
      randomInt(random, 1, 20),
      randomInt(random, 1, 20),
      randomInt(random, 1, 25),
      randomInt(random, 1, 25),
    ]);
  }
  return { random, list };
}

test('bilinear matches the pixel-centre (align_corners=false) reference', () => {
  const { random, list } = cases(31);
  for (const [sw, sh, dw, dh] of list) {
    const data = randomF32(random, sw * sh);
    const got = resizePlane({ data, width: sw, height: sh }, dw, dh, 'bilinear');
    assert.deepEqual([got.width, got.height], [dw, dh]);
    const err = maxAbsDiff(got.data, referenceBilinear(data, sw, sh, 1, dw, dh));
    assert.ok(err < 1e-6, `${sw}×${sh} → ${dw}×${dh}: max error ${err}`);
  }
});

test('area matches the exact fractional-overlap integral and keeps the mean', () => {
  const { random, list } = cases(32);
  for (const [sw, sh, dw, dh] of list) {
    const data = randomF32(random, sw * sh);
    const got = resizePlane({ data, width: sw, height: sh }, dw, dh, 'area');
    assert.deepEqual([got.width, got.height], [dw, dh]);
    const err = maxAbsDiff(got.data, referenceArea(data, sw, sh, 1, dw, dh));
    assert.ok(err < 1e-6, `${sw}×${sh} → ${dw}×${dh}: max error ${err}`);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean(got.data) - mean(data)) < 1e-6, `${sw}×${sh} → ${dw}×${dh}: mean moved`);
  }
});

test('hand-computed values', () => {
  const pair = { data: Float32Array.from([0, 1]), width: 2, height: 1 };
  assert.deepEqual(Array.from(resizePlane(pair, 4, 1, 'bilinear').data), [0, 0.25, 0.75, 1]);
  assert.deepEqual(Array.from(resizePlane(pair, 4, 1, 'area').data), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(resizePlane(pair, 3, 1, 'area').data), [0, 0.5, 1]);
  const four = { data: Float32Array.from([0, 0.25, 0.5, 1]), width: 4, height: 1 };
  assert.deepEqual(Array.from(resizePlane(four, 2, 1, 'bilinear').data), [0.125, 0.75]);
  assert.deepEqual(Array.from(resizePlane(four, 1, 1, 'area').data), [0.4375]);
  const three = { data: Float32Array.from([0, 0.5, 1]), width: 3, height: 1 };
  // 3 → 2: footprints [0, 1.5) and [1.5, 3).
  const two = resizePlane(three, 2, 1, 'area').data;
  assert.ok(maxAbsDiff(two, [(0 + 0.25) / 1.5, (0.25 + 1) / 1.5]) < 1e-7);
});

test('same size is an exact copy for both methods', () => {
  const data = randomF32(mulberry32(33), 35);
  for (const method of ['bilinear', 'area'] as const) {
    assert.deepEqual(resizePlane({ data, width: 7, height: 5 }, 7, 5, method).data, data);
  }
});

test('interleaved resize matches both references channel by channel', () => {
  const random = mulberry32(34);
  for (const [sw, sh, dw, dh, c] of [
    [5, 4, 11, 9, 3],
    [12, 10, 5, 3, 4],
    [1, 1, 3, 2, 2],
  ]) {
    const data = randomF32(random, sw * sh * c);
    for (const method of ['bilinear', 'area'] as const) {
      const got = resizeInterleaved({ data, width: sw, height: sh, channels: c }, dw, dh, method);
      assert.deepEqual([got.width, got.height, got.channels], [dw, dh, c]);
      const ref = method === 'bilinear' ? referenceBilinear : referenceArea;
      const err = maxAbsDiff(got.data, ref(data, sw, sh, c, dw, dh));
      assert.ok(err < 1e-6, `${method} ${sw}×${sh}×${c} → ${dw}×${dh}: max error ${err}`);
    }
  }
});

test('bad sizes and methods are refused', () => {
  const plane = { data: new Float32Array(4), width: 2, height: 2 };
  assert.throws(() => resizePlane(plane, 0, 2), RangeError);
  assert.throws(() => resizePlane(plane, 2.5, 2), RangeError);
  assert.throws(() => resizePlane({ ...plane, width: 3 }, 2, 2), RangeError);
  // @ts-expect-error an unknown method from an untyped caller
  assert.throws(() => resizePlane(plane, 3, 3, 'cubic'), RangeError);
});
