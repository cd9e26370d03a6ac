/**
 * Bit-depth conversion between the integer samples images arrive in and the Float32 [0, 1] samples the
 * pipeline works in: x / 255 and x / 65535 on the way in; clamp to [0, 1], scale and round on the way out.
 *
 * The array functions work on any layout (interleaved images and planes alike); the image wrappers keep
 * width, height and channels. `Plane` has no Uint16 variant, so 16-bit planes use the array functions.
 */

import type { InterleavedF32, InterleavedU8, InterleavedU16, PlaneF32, PlaneU8 } from './image.ts';

// A table gives the correctly rounded x / 255 for every byte, and is faster than dividing.
const U8_TO_F32 = new Float32Array(256);
for (let i = 0; i < 256; i++) U8_TO_F32[i] = i / 255;

/** Samples 0…255 to Float32 in [0, 1] (x / 255). */
export function u8ArrayToF32(
  src: Uint8Array,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  checkLength(src.length, out.length);
  for (let i = 0; i < src.length; i++) out[i] = U8_TO_F32[src[i]];
  return out;
}

/** Samples 0…65535 to Float32 in [0, 1] (x / 65535). */
export function u16ArrayToF32(
  src: Uint16Array,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  checkLength(src.length, out.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 65535;
  return out;
}

/** Float32 to 0…255: clamp to [0, 1], then round half up; NaN becomes 0. */
export function f32ArrayToU8(src: Float32Array, out: Uint8Array = new Uint8Array(src.length)): Uint8Array {
  checkLength(src.length, out.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    // `!(v > 0)` is true for NaN as well as for v ≤ 0, so NaN maps to 0 without a separate test.
    out[i] = !(v > 0) ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
  }
  return out;
}

/** Float32 to 0…65535: clamp to [0, 1], then round half up; NaN becomes 0. */
export function f32ArrayToU16(
  src: Float32Array,
  out: Uint16Array = new Uint16Array(src.length),
): Uint16Array {
  checkLength(src.length, out.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = !(v > 0) ? 0 : v >= 1 ? 65535 : (v * 65535 + 0.5) | 0;
  }
  return out;
}

export function interleavedU8ToF32(image: InterleavedU8): InterleavedF32 {
  return { ...dims(image), data: u8ArrayToF32(image.data) };
}

export function interleavedU16ToF32(image: InterleavedU16): InterleavedF32 {
  return { ...dims(image), data: u16ArrayToF32(image.data) };
}

export function interleavedF32ToU8(image: InterleavedF32): InterleavedU8 {
  return { ...dims(image), data: f32ArrayToU8(image.data) };
}

export function interleavedF32ToU16(image: InterleavedF32): InterleavedU16 {
  return { ...dims(image), data: f32ArrayToU16(image.data) };
}

export function planeU8ToF32(plane: PlaneU8): PlaneF32 {
  return { width: plane.width, height: plane.height, data: u8ArrayToF32(plane.data) };
}

export function planeF32ToU8(plane: PlaneF32): PlaneU8 {
  return { width: plane.width, height: plane.height, data: f32ArrayToU8(plane.data) };
}

function dims(image: { width: number; height: number; channels: number }) {
  return { width: image.width, height: image.height, channels: image.channels };
}

function checkLength(srcLength: number, outLength: number): void {
  if (srcLength !== outLength) {
    throw new RangeError(`convert-depth: output holds ${outLength} samples, input ${srcLength}`);
  }
}
