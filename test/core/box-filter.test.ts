import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxFilterInterleaved, boxFilterPlane } from '../../src/core/box-filter.ts';
import { maxAbsDiff, mulberry32, randomF32, randomInt } from './random.ts';

/** Mean over the window clipped to the image, divided by the pixels inside it. */
function referenceBox(src: Float32Array, w: number, h: number, c: number, r: number): Float64Array {
  const out = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        let n = 0;
        for (let yy = y - r; yy <= y + r; yy++) {
          for (let xx = x - r; xx <= x + r; xx++) {
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            sum += src[(yy * w + xx) * c + k];
            n++;
          }
        }
        out[(y * w + x) * c + k] = sum / n;
      }
    }
  }
  return out;
}

test('plane box filter matches the brute-force clipped mean', () => {
  const random = mulberry32(11);
  const cases = [
    [1, 1, 0],
    [1, 1, 3],
    [1, 9, 2],
    [9, 1, 2],
    [5, 4, 10], // radius larger than the image: every pixel is the global mean
    [17, 13, 0],
    [17, 13, 1],
    [17, 13, 4],
  ];
  for (let i = 0; i < 12; i++)
    cases.push([randomInt(random, 1, 30), randomInt(random, 1, 30), randomInt(random, 0, 8)]);
  for (const [w, h, r] of cases) {
    const data = randomF32(random, w * h);
    const got = boxFilterPlane({ data, width: w, height: h }, r);
    assert.deepEqual([got.width, got.height], [w, h]);
    const err = maxAbsDiff(got.data, referenceBox(data, w, h, 1, r));
    assert.ok(err < 1e-6, `${w}×${h} r=${r}: max error ${err}`);
  }
});

test('interleaved box filter matches the brute-force clipped mean per channel', () => {
  const random = mulberry32(12);
  for (const [w, h, c, r] of [
    [1, 1, 3, 2],
    [12, 7, 3, 2],
    [8, 11, 4, 3],
    [6, 6, 2, 20],
  ]) {
    const data = randomF32(random, w * h * c);
    const got = boxFilterInterleaved({ data, width: w, height: h, channels: c }, r);
    assert.deepEqual([got.width, got.height, got.channels], [w, h, c]);
    const err = maxAbsDiff(got.data, referenceBox(data, w, h, c, r));
    assert.ok(err < 1e-6, `${w}×${h}×${c} r=${r}: max error ${err}`);
  }
});

test('a constant image stays constant up to the border; radius beyond the image gives the mean', () => {
  const data = new Float32Array(10 * 7).fill(0.3);
  const got = boxFilterPlane({ data, width: 10, height: 7 }, 3);
  assert.ok(maxAbsDiff(got.data, data) < 1e-7);

  const ramp = Float32Array.from({ length: 12 }, (_, i) => i / 11);
  const mean = ramp.reduce((s, v) => s + v, 0) / 12;
  const wide = boxFilterPlane({ data: ramp, width: 4, height: 3 }, 50);
  for (const v of wide.data) assert.ok(Math.abs(v - mean) < 1e-6);
});

test('running sums do not drift over a long row', () => {
  // Large values and an extreme spread would expose Float32 running sums; Float64 stays within 1e-6.
  const random = mulberry32(13);
  const w = 4000;
  const data = new Float32Array(w * 2);
  for (let i = 0; i < data.length; i++) data[i] = random() < 0.5 ? 1 : random() * 1e-3;
  const got = boxFilterPlane({ data, width: w, height: 2 }, 2);
  const err = maxAbsDiff(got.data, referenceBox(data, w, 2, 1, 2));
  assert.ok(err < 1e-6, `max error ${err}`);
});

test('bad radius or size is refused', () => {
  const plane = { data: new Float32Array(4), width: 2, height: 2 };
  assert.throws(() => boxFilterPlane(plane, -1), RangeError);
  assert.throws(() => boxFilterPlane(plane, 1.5), RangeError);
  assert.throws(() => boxFilterPlane({ ...plane, width: 3 }, 1), RangeError);
});
