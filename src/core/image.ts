/**
 * Image types shared by every stage.
 *
 * Interleaved images store a pixel's channels next to each other (RGBRGB…), which is what sharp
 * gives and takes. Planes hold one channel (alpha, probability, trimap). Inside the pipeline colour
 * and alpha are Float32 in [0, 1]; integer types appear only at the I/O edges.
 */

export interface Interleaved<T extends Float32Array | Uint8Array | Uint16Array> {
  data: T;
  width: number;
  height: number;
  channels: number;
}

export type InterleavedF32 = Interleaved<Float32Array>;
export type InterleavedU8 = Interleaved<Uint8Array>;
export type InterleavedU16 = Interleaved<Uint16Array>;

/** One channel, row-major. Alpha and probability maps are Float32 in [0, 1]. */
export interface Plane<T extends Float32Array | Uint8Array | Int32Array> {
  data: T;
  width: number;
  height: number;
}

export type PlaneF32 = Plane<Float32Array>;
export type PlaneU8 = Plane<Uint8Array>;

/**
 * A trimap: 0 = sure background, 255 = sure foreground, anything strictly between = unknown.
 * Stored as a Uint8 plane so a file's values pass through unchanged.
 */
export type Trimap = PlaneU8;

export const TRIMAP_BACKGROUND = 0;
export const TRIMAP_UNKNOWN = 128;
export const TRIMAP_FOREGROUND = 255;

export function createPlaneF32(width: number, height: number, fill = 0): PlaneF32 {
  const data = new Float32Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { data, width, height };
}

export function createInterleavedF32(width: number, height: number, channels: number): InterleavedF32 {
  return { data: new Float32Array(width * height * channels), width, height, channels };
}

/** Throws a plain Error when two images do not share a size; callers name the files. */
export function assertSameSize(
  a: { width: number; height: number },
  b: { width: number; height: number },
  what: string,
): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`${what}: sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  }
}

/** True when every alpha value is 1: such an alpha carries no information and can be dropped. */
export function isFullyOpaque(alpha: Float32Array): boolean {
  for (let i = 0; i < alpha.length; i++) if (alpha[i] < 1) return false;
  return true;
}
