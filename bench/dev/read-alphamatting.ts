/**
 * Readers for the development scripts in bench/dev: the alphamatting.com images as float RGB and their trimaps
 * and ground truth as 8-bit planes, read as the published files are (no EXIF or colour management: the
 * benchmark's reference numbers were made that way). The scripts that re-run themselves under tsx's ESM loader
 * import this module only after that, so sharp is not loaded through tsx's CommonJS hook.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { InterleavedF32 } from '../../src/core/image.ts';

/** ../shared/data/alphamatting beside the checkout. */
export const ALPHAMATTING_ROOT = path.resolve(import.meta.dirname, '../../../shared/data/alphamatting');

export async function readRgb(file: string): Promise<InterleavedF32> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Float32Array(info.width * info.height * 3);
  for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  return { data: out, width: info.width, height: info.height, channels: 3 };
}

export async function readGrey(file: string): Promise<Uint8Array> {
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${file}: expected one channel`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}
