/**
 * The encode stage of background removal: composed pixels to the bytes of one output file. Adds to
 * io/encode.ts the choices that belong to background removal: JPEG flattened on white when nothing else was
 * asked, and `zip` — JPEG colour plus PNG alpha in one archive (remove.bg's `color.jpg` + `alpha.png`), which
 * is several times smaller than an RGBA PNG of a photo.
 *
 * PNG, the default output, is written here straight from the float planes to 8-bit samples and through
 * sharp at zlib level 4 with adaptive filtering: at 12 MP, io/encode.ts's path (an interleaved float copy,
 * then a byte copy, then level 6) took 2–4 s of an 8 s budget; level 4 compresses 2–3× faster than 6 for
 * files 5–8 % larger (bench/refine.ts's 12 MP cutouts: 5.32 → 5.74 MB, 7.89 → 8.31 MB), level 3 and below
 * grow them 10–50 %.
 */
import sharp from 'sharp';
import type { ComposedCutout } from '../compose/compose-cutout.ts';
import { type InterleavedF32, isFullyOpaque, type PlaneF32 } from '../core/image.ts';
import { encodeImage, type OutputFormat } from '../io/encode.ts';
import { createZip } from '../io/zip.ts';
import type { RemoveFormat } from './options.ts';

export interface EncodedCutout {
  bytes: Uint8Array;
  /** Canonical format name ('jpg' is reported as 'jpeg'). */
  format: Exclude<RemoveFormat, 'jpg'>;
  /** File extension without the dot. */
  extension: string;
  mimeType: string;
}

export interface EncodeCutoutOptions {
  format: RemoveFormat;
  quality?: number;
  premultiplied?: boolean;
}

const WHITE = [1, 1, 1] as const;

export const MIME_TYPES: Record<EncodedCutout['format'], string> = {
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
  zip: 'application/zip',
};

export function extensionOf(format: RemoveFormat): string {
  return format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tiff' : format;
}

export async function encodeCutout(
  composed: ComposedCutout,
  options: EncodeCutoutOptions,
): Promise<EncodedCutout> {
  const format = options.format === 'jpg' ? 'jpeg' : options.format;
  const { colour, alpha } = composed;
  let bytes: Uint8Array;
  if (format === 'zip') {
    const colourJpeg = await encodeImage({ colour }, { format: 'jpeg', quality: options.quality });
    const matte = alpha ?? {
      data: new Float32Array(colour.width * colour.height).fill(1),
      width: colour.width,
      height: colour.height,
    };
    const alphaPng = await encodeImage({ colour: { ...matte, channels: 1 } }, { format: 'png' });
    bytes = createZip([
      { name: 'color.jpg', data: colourJpeg },
      { name: 'alpha.png', data: alphaPng },
    ]);
  } else if (format === 'png') {
    bytes = await encodePng8(colour, alpha, options.premultiplied === true);
  } else {
    const outputFormat: OutputFormat = format;
    bytes = await encodeImage(
      { colour, alpha },
      {
        format: outputFormat,
        quality: options.quality,
        premultiplied: options.premultiplied,
        background: format === 'jpeg' && alpha ? WHITE : undefined,
      },
    );
  }
  return { bytes, format, extension: extensionOf(format), mimeType: MIME_TYPES[format] };
}

/** zlib level of PNG output (see the header). */
export const PNG_COMPRESSION_LEVEL = 4;

/**
 * 8-bit PNG: grey or RGB, with alpha unless it is opaque everywhere. Samples are clamped to [0, 1] and
 * rounded half up, as io/encode.ts does.
 */
async function encodePng8(
  colour: InterleavedF32,
  alpha: PlaneF32 | undefined,
  premultiplied: boolean,
): Promise<Uint8Array> {
  const { width, height, channels: c } = colour;
  if (c !== 1 && c !== 3) throw new RangeError(`PNG output needs 1 or 3 colour channels, got ${c}`);
  const a = alpha && !isFullyOpaque(alpha.data) ? alpha.data : undefined;
  const out = a ? c + 1 : c;
  const n = width * height;
  const src = colour.data;
  const raw = new Uint8Array(n * out);
  for (let i = 0, s = 0, o = 0; i < n; i++, s += c, o += out) {
    const w = a ? a[i] : 1;
    const scale = premultiplied ? w : 1;
    for (let k = 0; k < c; k++) raw[o + k] = toByte(src[s + k] * scale);
    if (a) raw[o + c] = toByte(w);
  }
  const image = sharp(raw, { raw: { width, height, channels: out as 1 | 2 | 3 | 4 } })
    .toColourspace(c === 1 ? 'b-w' : 'srgb')
    .png({ compressionLevel: PNG_COMPRESSION_LEVEL, adaptiveFiltering: true });
  return image.toBuffer();
}

/** [0, 1] to 0…255, rounding half up; NaN becomes 0. */
function toByte(v: number): number {
  return !(v > 0) ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
}
