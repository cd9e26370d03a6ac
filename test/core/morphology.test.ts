import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dilate, erode, MASK_SET, maskFromThreshold } from '../../src/core/morphology.ts';
import { mulberry32, randomInt, randomMask } from './random.ts';

/** Dilation: any set pixel in the disc. Erosion: every in-image pixel of the disc is set. */
function reference(mask: Uint8Array, w: number, h: number, r: number, op: 'dilate' | 'erode'): Uint8Array {
  const out = new Uint8Array(w * h);
  const reach = Math.floor(r);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let any = false;
      let all = true;
      for (let dy = -reach; dy <= reach; dy++) {
        for (let dx = -reach; dx <= reach; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue; // outside is neither set nor background
          if (mask[yy * w + xx] !== 0) any = true;
          else all = false;
        }
      }
      out[y * w + x] = (op === 'dilate' ? any : all) ? MASK_SET : 0;
    }
  }
  return out;
}

test('dilate and erode match brute force for integer and fractional radii', () => {
  const random = mulberry32(51);
  const cases: number[][] = [
    [1, 1, 0.5, 0],
    [1, 1, 0.5, 3],
    [15, 11, 0.2, 0],
    [15, 11, 0.2, 1],
    [15, 11, 0.7, 1.5],
    [15, 11, 0.7, 2],
    [15, 11, 0.9, 2.9],
    [12, 9, 0.05, 40], // radius far beyond the image
    [1, 20, 0.3, 3],
    [60, 45, 0.002, 12.5], // sparse seeds, discs wider than the gaps between them
    [60, 45, 0.01, 7.3],
    [45, 60, 0.97, 9],
  ];
  for (let i = 0; i < 12; i++) {
    cases.push([randomInt(random, 1, 24), randomInt(random, 1, 24), random(), random() * 6]);
  }
  for (const [w, h, density, r] of cases) {
    const data = randomMask(random, w * h, density);
    const plane = { data, width: w, height: h };
    const d = dilate(plane, r);
    const e = erode(plane, r);
    assert.deepEqual([d.width, d.height, e.width, e.height], [w, h, w, h]);
    assert.deepEqual(d.data, reference(data, w, h, r, 'dilate'), `dilate ${w}×${h} r=${r}`);
    assert.deepEqual(e.data, reference(data, w, h, r, 'erode'), `erode ${w}×${h} r=${r}`);
  }
});

test('a single pixel dilates to a disc of radius 30', () => {
  const w = 71;
  const data = new Uint8Array(w * w);
  data[35 * w + 35] = 1;
  const got = dilate({ data, width: w, height: w }, 30).data;
  let count = 0;
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const inside = (x - 35) ** 2 + (y - 35) ** 2 <= 900;
      assert.equal(got[y * w + x], inside ? MASK_SET : 0);
      if (inside) count++;
    }
  }
  assert.equal(count, 2821); // lattice points in a disc of radius 30
});

test('empty and full masks; the image edge is not background for erosion', () => {
  const w = 8;
  const h = 5;
  const empty = { data: new Uint8Array(w * h), width: w, height: h };
  const full = { data: new Uint8Array(w * h).fill(1), width: w, height: h };
  for (const r of [0, 1, 3.5, 100]) {
    assert.ok(dilate(empty, r).data.every((v) => v === 0));
    assert.ok(erode(empty, r).data.every((v) => v === 0));
    assert.ok(dilate(full, r).data.every((v) => v === MASK_SET));
    assert.ok(erode(full, r).data.every((v) => v === MASK_SET));
  }
  // Radius 0 is the identity (normalised to 0 / 255).
  const mask = { data: Uint8Array.from([0, 3, 0, 1, 0, 0]), width: 3, height: 2 };
  assert.deepEqual(Array.from(dilate(mask, 0).data), [0, 255, 0, 255, 0, 0]);
  assert.deepEqual(Array.from(erode(mask, 0).data), [0, 255, 0, 255, 0, 0]);
  assert.throws(() => dilate(mask, -1), RangeError);
  assert.throws(() => erode(mask, Number.NaN), RangeError);
});

test('maskFromThreshold sets values strictly above the threshold', () => {
  const plane = { data: Float32Array.from([0, 0.5, 0.50001, 1, Number.NaN, -1]), width: 3, height: 2 };
  assert.deepEqual(Array.from(maskFromThreshold(plane).data), [0, 0, 255, 255, 0, 0]);
  assert.deepEqual(Array.from(maskFromThreshold(plane, 0).data), [0, 255, 255, 255, 0, 0]);
});
