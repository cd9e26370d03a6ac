import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  f32ArrayToU8,
  f32ArrayToU16,
  interleavedF32ToU8,
  interleavedF32ToU16,
  interleavedU8ToF32,
  interleavedU16ToF32,
  planeF32ToU8,
  planeU8ToF32,
  u8ArrayToF32,
  u16ArrayToF32,
} from '../../src/core/convert-depth.ts';
import { mulberry32 } from './random.ts';

function referenceToInt(x: number, max: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.round(Math.min(Math.max(x, 0), 1) * max);
}

// Specials and values around the rounding boundaries, then random values spilling outside [0, 1].
function testValues(seed: number, max: number): Float32Array {
  const random = mulberry32(seed);
  const values = [0, -0, 1, -1, 2, 0.5, Number.NaN, Infinity, -Infinity, 1e-30, -1e-30, 1 - 1e-7];
  for (let i = 0; i <= 300; i++) {
    const v = (i % (max + 1)) / max;
    values.push(v, v + 0.5 / max, v - 0.5 / max, v + 0.49 / max, v + 0.51 / max);
  }
  for (let i = 0; i < 5000; i++) values.push(random() * 1.4 - 0.2);
  return Float32Array.from(values);
}

test('u8 → f32 is x / 255 for every byte, and f32 → u8 gets every byte back', () => {
  const bytes = new Uint8Array(256).map((_, i) => i);
  const f = u8ArrayToF32(bytes);
  for (let i = 0; i < 256; i++) assert.equal(f[i], Math.fround(i / 255));
  assert.deepEqual(f32ArrayToU8(f), bytes);
});

test('u16 → f32 is x / 65535 for every value, and f32 → u16 gets every value back', () => {
  const words = new Uint16Array(65536).map((_, i) => i);
  const f = u16ArrayToF32(words);
  for (let i = 0; i < 65536; i++) assert.equal(f[i], Math.fround(i / 65535));
  assert.deepEqual(f32ArrayToU16(f), words);
});

test('f32 → u8 clamps, rounds and maps NaN to 0 like the reference', () => {
  const values = testValues(1, 255);
  const got = f32ArrayToU8(values);
  for (let i = 0; i < values.length; i++) {
    assert.equal(got[i], referenceToInt(values[i], 255), `value ${values[i]}`);
  }
});

test('f32 → u16 clamps, rounds and maps NaN to 0 like the reference', () => {
  const values = testValues(2, 65535);
  const got = f32ArrayToU16(values);
  for (let i = 0; i < values.length; i++) {
    assert.equal(got[i], referenceToInt(values[i], 65535), `value ${values[i]}`);
  }
});

test('image and plane wrappers keep the shape and convert every sample', () => {
  const data = new Uint8Array([0, 51, 102, 153, 204, 255]);
  const image = interleavedU8ToF32({ data, width: 2, height: 1, channels: 3 });
  assert.deepEqual([image.width, image.height, image.channels], [2, 1, 3]);
  assert.deepEqual(Array.from(image.data), [0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
  assert.deepEqual(interleavedF32ToU8(image).data, data);

  const wide = interleavedU16ToF32({ data: new Uint16Array([0, 65535]), width: 1, height: 1, channels: 2 });
  assert.deepEqual(Array.from(wide.data), [0, 1]);
  const back = interleavedF32ToU16(wide);
  assert.deepEqual([back.width, back.height, back.channels], [1, 1, 2]);
  assert.deepEqual(Array.from(back.data), [0, 65535]);

  const plane = planeU8ToF32({ data: new Uint8Array([255, 0, 128, 1]), width: 2, height: 2 });
  assert.deepEqual([plane.width, plane.height], [2, 2]);
  assert.deepEqual(Array.from(planeF32ToU8(plane).data), [255, 0, 128, 1]);
});

test('an output of the wrong length is refused', () => {
  assert.throws(() => u8ArrayToF32(new Uint8Array(4), new Float32Array(3)), RangeError);
  assert.throws(() => f32ArrayToU16(new Float32Array(4), new Uint16Array(5)), RangeError);
});
