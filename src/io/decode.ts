/**
 * Decoding: any common format to sRGB Float32, EXIF orientation applied, alpha kept aside.
 *
 * The pixel count is checked from the header before any pixel is decoded, so a small file that
 * claims 30000×30000 costs a header read, not gigabytes.
 */
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { readSource, sourceName } from './read-source.ts';

/** Formats we decode. Anything else (SVG, PDF, HEVC HEIF, raw camera files) is refused by name. */
export const INPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const DEFAULT_MAX_PIXELS = 100_000_000;

export type ImageSource = string | Uint8Array | Readable;

export interface DecodeOptions {
  /** Refuse images with more pixels than this (width × height). Default 100 MP. */
  maxPixels?: number;
  /** Refuse inputs larger than this many bytes (streams and buffers). Default: no limit. */
  maxBytes?: number;
  /** Name used in error messages when the source is not a path. */
  name?: string;
  /**
   * Put the colour (decodeImage) or the plane (decodeMatte) in a SharedArrayBuffer, for images worker threads
   * read as they are: the refine pool then shares it instead of copying it (a 12 MP photo is 144 MB, its mask
   * 48 MB). Default false.
   */
  shared?: boolean;
}

export interface ImageHeader {
  format: InputFormat;
  /** Width and height as displayed, i.e. after EXIF orientation. */
  width: number;
  height: number;
  /** 8 or 16 bits per sample in the file. */
  bitDepth: 8 | 16;
  hasAlpha: boolean;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
}

export interface DecodedImage {
  header: ImageHeader;
  /** sRGB colour, 3 interleaved channels in [0, 1]. */
  colour: InterleavedF32;
  /** The file's own alpha channel, when it has one. */
  alpha?: PlaneF32;
}

interface Probed {
  bytes: Uint8Array;
  header: ImageHeader;
  name: string;
}

/** Reads just the header: format, displayed size, depth, alpha, orientation. Checks the pixel limit. */
export async function readImageHeader(
  source: ImageSource,
  options: DecodeOptions = {},
): Promise<ImageHeader> {
  return (await probe(source, options)).header;
}

export async function decodeImage(source: ImageSource, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { header, samples, width, height, channels, scale } = await decodeSamples(source, options);
  const pixels = width * height;
  const colour = options.shared
    ? new Float32Array(new SharedArrayBuffer(pixels * 3 * Float32Array.BYTES_PER_ELEMENT))
    : new Float32Array(pixels * 3);
  const hasAlpha = channels === 4 || channels === 2;
  const alpha = hasAlpha ? new Float32Array(pixels) : undefined;
  const grey = channels <= 2;
  for (let i = 0; i < pixels; i++) {
    const s = i * channels;
    const o = i * 3;
    if (grey) {
      const v = samples[s] * scale;
      colour[o] = v;
      colour[o + 1] = v;
      colour[o + 2] = v;
    } else {
      colour[o] = samples[s] * scale;
      colour[o + 1] = samples[s + 1] * scale;
      colour[o + 2] = samples[s + 2] * scale;
    }
    if (alpha) alpha[i] = samples[s + channels - 1] * scale;
  }
  return {
    header,
    colour: { data: colour, width, height, channels: 3 },
    alpha: alpha && { data: alpha, width, height },
  };
}

/**
 * Decodes an image that stores one value per pixel — an alpha matte, a mask, a probability map — as a
 * Float32 plane in [0, 1]. An image with a real alpha channel is read by its alpha (an RGBA cutout is
 * scored by its alpha); otherwise by its grey level (the mean of R, G and B, exact for grey images).
 * Straight from the file's samples to the plane: a 12 MP mask no longer passes through a 144 MB RGB image.
 */
export async function decodeMatte(source: ImageSource, options: DecodeOptions = {}): Promise<PlaneF32> {
  const { samples, width, height, channels, scale } = await decodeSamples(source, options);
  const pixels = width * height;
  const out = options.shared
    ? new Float32Array(new SharedArrayBuffer(pixels * Float32Array.BYTES_PER_ELEMENT))
    : new Float32Array(pixels);
  const hasAlpha = channels === 4 || channels === 2;
  if (hasAlpha && !samplesFullyOpaque(samples, channels, 1 / scale)) {
    for (let i = 0; i < pixels; i++) out[i] = samples[i * channels + channels - 1] * scale;
  } else if (channels <= 2) {
    for (let i = 0; i < pixels; i++) out[i] = samples[i * channels] * scale;
  } else {
    const third = scale / 3;
    for (let i = 0; i < pixels; i++) {
      const s = i * channels;
      out[i] = (samples[s] + samples[s + 1] + samples[s + 2]) * third;
    }
  }
  return { data: out, width, height };
}

function samplesFullyOpaque(samples: Uint8Array | Uint16Array, channels: number, max: number): boolean {
  for (let i = channels - 1; i < samples.length; i += channels) if (samples[i] !== max) return false;
  return true;
}

interface DecodedSamples {
  header: ImageHeader;
  /** The file's samples after orientation, sRGB (or grey), interleaved. */
  samples: Uint8Array | Uint16Array;
  width: number;
  height: number;
  /** 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** 1 / the largest sample value. */
  scale: number;
}

async function decodeSamples(source: ImageSource, options: DecodeOptions): Promise<DecodedSamples> {
  const { bytes, header, name } = await probe(source, options);
  const sixteen = header.bitDepth === 16;
  const { data, info } = await runDecoder(name, () =>
    sharp(bytes, { limitInputPixels: false, failOn: 'warning' })
      .autoOrient()
      .toColourspace(sixteen ? 'rgb16' : 'srgb')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
  const { width, height, channels } = info;
  const samples = sixteen
    ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return {
    header: { ...header, width, height },
    samples,
    width,
    height,
    channels,
    scale: 1 / (sixteen ? 65535 : 255),
  };
}

/**
 * Decodes a trimap to 8-bit values: 0 background, 255 foreground, anything between unknown.
 * 16-bit files are reduced to 8 bits with rounding, so 0 and 65535 stay sure.
 */
export async function decodeTrimap(source: ImageSource, options: DecodeOptions = {}): Promise<Trimap> {
  const matte = await decodeMatte(source, options);
  const out = new Uint8Array(matte.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(matte.data[i] * 255);
  return { data: out, width: matte.width, height: matte.height };
}

async function probe(source: ImageSource, options: DecodeOptions): Promise<Probed> {
  const name = options.name ?? sourceName(source);
  const bytes = await readSource(source, { name, maxBytes: options.maxBytes });
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkPngDimensions(bytes, name);
  const meta = await runDecoder(name, () => sharp(bytes, { limitInputPixels: false }).metadata());
  const format = inputFormat(meta.format, meta.compression);
  if (!format) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_UNSUPPORTED',
      `unsupported image format '${meta.format ?? 'unknown'}'; cutout reads ${INPUT_FORMATS.join(', ')}`,
      { file: name },
    );
  }
  const storedWidth = meta.width ?? 0;
  const storedHeight = meta.height ?? 0;
  if (!(storedWidth > 0 && storedHeight > 0)) {
    throw new CutoutError('CUTOUT_E_INPUT_INVALID_SIZE', `image is ${storedWidth}×${storedHeight} pixels`, {
      file: name,
    });
  }
  if (storedWidth * storedHeight > maxPixels) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_TOO_LARGE',
      `image is ${storedWidth}×${storedHeight} = ${formatMegapixels(storedWidth * storedHeight)}, ` +
        `over the limit of ${formatMegapixels(maxPixels)}`,
      { file: name },
    );
  }
  const orientation = meta.orientation ?? 1;
  const swapped = orientation >= 5 && orientation <= 8;
  const header: ImageHeader = {
    format,
    width: swapped ? storedHeight : storedWidth,
    height: swapped ? storedWidth : storedHeight,
    bitDepth: meta.depth === 'ushort' || (meta.bitsPerSample ?? 8) > 8 ? 16 : 8,
    hasAlpha: meta.hasAlpha ?? false,
    orientation,
  };
  return { bytes, header, name };
}

/**
 * libvips reports a PNG with a zero width or height only as a "corrupt header"; read IHDR ourselves
 * so the user is told what is actually wrong.
 */
function checkPngDimensions(bytes: Uint8Array, name: string): void {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_INVALID_SIZE',
      `PNG header says the image is ${width}×${height} pixels`,
      {
        file: name,
      },
    );
  }
}

function inputFormat(format: string | undefined, compression: string | undefined): InputFormat | undefined {
  if (format === 'heif') return compression === 'av1' ? 'avif' : undefined;
  return (INPUT_FORMATS as readonly string[]).includes(format ?? '') ? (format as InputFormat) : undefined;
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(pixels < 1e6 ? 2 : 1)} MP`;
}

/** Runs a sharp call and turns libvips' messages into coded errors that name the file. */
async function runDecoder<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CutoutError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/unsupported image format/i.test(message)) {
      throw new CutoutError('CUTOUT_E_INPUT_UNSUPPORTED', 'not an image in a format cutout reads', {
        file: name,
        cause: error,
      });
    }
    if (/empty/i.test(message)) {
      throw new CutoutError('CUTOUT_E_INPUT_EMPTY', 'file is empty', { file: name, cause: error });
    }
    if (/width|height|dimension|zero/i.test(message) && /invalid|zero|bad/i.test(message)) {
      throw new CutoutError('CUTOUT_E_INPUT_INVALID_SIZE', `invalid image size (${firstLine(message)})`, {
        file: name,
        cause: error,
      });
    }
    throw new CutoutError('CUTOUT_E_INPUT_CORRUPT', `cannot decode image: ${firstLine(message)}`, {
      file: name,
      cause: error,
    });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
