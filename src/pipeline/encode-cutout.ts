/**
 * The encode stage of background removal: composed pixels to the bytes of one output file. Adds to
 * io/encode.ts the choices that belong to background removal: JPEG flattened on white when nothing else was
 * asked, and `zip` — JPEG colour plus PNG alpha in one archive (remove.bg's `color.jpg` + `alpha.png`), which
 * is several times smaller than an RGBA PNG of a photo.
 *
 * PNG, the default output, is compressed at zlib level 4 (io/encode.ts's default is 6): at 12 MP the encode
 * took 2–4 s of an 8 s budget; level 4 compresses 2–3× faster than 6 for files 5–8 % larger (bench/refine.ts's
 * 12 MP cutouts: 5.32 → 5.74 MB, 7.89 → 8.31 MB), level 3 and below grow them 10–50 %.
 *
 * Fully transparent pixels are written as transparent black (io/encode.ts clearTransparent): their colour is
 * what stood behind the subject, which no viewer shows, and it was most of the file (a 12 MP shapes cutout
 * 5.75 → 1.98 MB, hair 3.5 MB; PNG encoding 0.9 → 0.5 s CPU).
 */
import type { ComposedCutout } from '../compose/compose-cutout.ts';
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

/** zlib level of PNG output (see the header). */
export const PNG_COMPRESSION_LEVEL = 4;

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
  } else {
    const outputFormat: OutputFormat = format;
    bytes = await encodeImage(
      { colour, alpha },
      {
        format: outputFormat,
        quality: options.quality,
        premultiplied: options.premultiplied,
        background: format === 'jpeg' && alpha ? WHITE : undefined,
        compressionLevel: format === 'png' ? PNG_COMPRESSION_LEVEL : undefined,
        clearTransparent: true,
      },
    );
  }
  return { bytes, format, extension: extensionOf(format), mimeType: MIME_TYPES[format] };
}
