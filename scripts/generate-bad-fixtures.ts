/**
 * Writes the decoder's test corpus (committed; rerun with `npm run fixtures`):
 *   test/fixtures/bad/   inputs that must fail with a coded error (index.json names the code for each)
 *   test/fixtures/edge/  unusual inputs that must decode correctly (index.json says what to expect)
 * Every file is made here, deterministically, so no third-party image enters the repository.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { applyOrientation, inverseOrientation, orientationProbe } from '../test/helpers/orientation.ts';

const root = join(import.meta.dirname, '..', 'test', 'fixtures');
const badDir = join(root, 'bad');
const edgeDir = join(root, 'edge');

/** A small deterministic PRNG (mulberry32) so the random-bytes fixture is the same on every run. */
function seededBytes(count: number, seed: number): Buffer {
  const out = Buffer.alloc(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header claims width × height RGB pixels but whose data holds only a few rows. */
function pngWithHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const rows = Buffer.alloc(Math.min(4, height) * (1 + 3 * Math.min(width, 64)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid 2×2 24-bit BMP: a real image in a format cutout does not read. */
function bmp2x2(): Buffer {
  const rowBytes = 8; // 2 pixels × 3 bytes, padded to 4
  const pixelBytes = rowBytes * 2;
  const out = Buffer.alloc(54 + pixelBytes);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(2, 18);
  out.writeInt32LE(2, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(pixelBytes, 34);
  out.fill(0x80, 54);
  return out;
}

/** A smooth, structured 8-bit RGB test pattern (deterministic; compresses to a file worth truncating). */
function pattern(width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[i] = (x * 255) / (width - 1);
      out[i + 1] = (y * 255) / (height - 1);
      out[i + 2] = ((x ^ y) & 0xff) >>> 0;
    }
  }
  return out;
}

async function writeBad(index: Record<string, { code: string; what: string }>) {
  const files: [string, Buffer, string, string][] = [];
  const add = (name: string, bytes: Buffer, code: string, what: string) =>
    files.push([name, bytes, code, what]);
  const png = await sharp(pattern(256, 256), { raw: { width: 256, height: 256, channels: 3 } })
    .png()
    .toBuffer();
  const jpeg = await sharp(pattern(256, 256), { raw: { width: 256, height: 256, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  add('empty.png', Buffer.alloc(0), 'CUTOUT_E_INPUT_EMPTY', 'a zero-byte file');
  add('random.bin', seededBytes(4096, 1), 'CUTOUT_E_INPUT_UNSUPPORTED', 'random bytes');
  add('random.jpg', seededBytes(4096, 2), 'CUTOUT_E_INPUT_UNSUPPORTED', 'random bytes named .jpg');
  add(
    'text.txt',
    Buffer.from('This is a text file, not an image.\n'),
    'CUTOUT_E_INPUT_UNSUPPORTED',
    'a text file',
  );
  add('text.png', Buffer.from('Not a PNG at all.\n'), 'CUTOUT_E_INPUT_UNSUPPORTED', 'a text file named .png');
  add('truncated.png', png.subarray(0, png.length >> 1), 'CUTOUT_E_INPUT_CORRUPT', 'a PNG cut in half');
  add('truncated.jpg', jpeg.subarray(0, jpeg.length >> 1), 'CUTOUT_E_INPUT_CORRUPT', 'a JPEG cut in half');
  add('pixel-bomb.png', pngWithHeader(30000, 30000), 'CUTOUT_E_INPUT_TOO_LARGE', 'header claims 30000×30000');
  add('zero-width.png', pngWithHeader(0, 16), 'CUTOUT_E_INPUT_INVALID_SIZE', 'header claims width 0');
  add('unsupported.bmp', bmp2x2(), 'CUTOUT_E_INPUT_UNSUPPORTED', 'a valid BMP (format not read)');
  add(
    'unsupported.svg',
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    ),
    'CUTOUT_E_INPUT_UNSUPPORTED',
    'an SVG (vector images are not read)',
  );
  for (const [name, bytes, code, what] of files) {
    await writeFile(join(badDir, name), bytes);
    index[name] = { code, what };
  }
}

async function writeEdge(index: Record<string, unknown>) {
  const save = async (name: string, bytes: Buffer, expect: Record<string, unknown>) => {
    await writeFile(join(edgeDir, name), bytes);
    index[name] = expect;
  };
  await save(
    '1x1.png',
    await sharp(Buffer.from([200, 100, 50]), { raw: { width: 1, height: 1, channels: 3 } })
      .png()
      .toBuffer(),
    {
      width: 1,
      height: 1,
      rgb8: [200, 100, 50],
    },
  );
  const rgb16 = new Uint16Array([0, 1, 65535, 30000, 40000, 50000, 257, 12345, 65534, 65535, 0, 32768]);
  await save(
    'rgb16.png',
    await sharp(rgb16, { raw: { width: 2, height: 2, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer(),
    { width: 2, height: 2, bitDepth: 16, rgb16: [...rgb16] },
  );
  const cmykSource = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < cmykSource.length; i += 3) cmykSource.set([40, 160, 220], i);
  await save(
    'cmyk.jpg',
    await sharp(cmykSource, { raw: { width: 16, height: 16, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer(),
    { width: 16, height: 16, rgb8Approx: [40, 160, 220], tolerance: 24 },
  );
  const greyAlpha = Buffer.from([0, 0, 100, 128, 200, 255, 255, 64]);
  await save(
    'grey-alpha.png',
    await sharp(greyAlpha, { raw: { width: 2, height: 2, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toBuffer(),
    { width: 2, height: 2, grey8: [0, 100, 200, 255], alpha8: [0, 128, 255, 64] },
  );
  const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 255, 255, 255, 255]);
  await save(
    'palette-trns.png',
    await sharp(rgba, { raw: { width: 2, height: 2, channels: 4 } })
      .png({ palette: true, colours: 4, dither: 0 })
      .toBuffer(),
    { width: 2, height: 2, alpha8: [255, 128, 0, 255], rgb8Opaque: { 0: [255, 0, 0], 3: [255, 255, 255] } },
  );
  // The same displayed picture stored under each EXIF orientation: decoding must undo every one.
  const probe = orientationProbe();
  for (let orientation = 1; orientation <= 8; orientation++) {
    const stored = applyOrientation(probe, inverseOrientation(orientation));
    const bytes = await sharp(Buffer.from(stored.data), {
      raw: { width: stored.width, height: stored.height, channels: 3 },
    })
      .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
      .withMetadata({ orientation })
      .toBuffer();
    await save(`orientation-${orientation}.jpg`, bytes, {
      width: probe.width,
      height: probe.height,
      orientation,
    });
  }
  const small = pattern(24, 16);
  const raw = { raw: { width: 24, height: 16, channels: 3 as const } };
  await save('pattern.gif', await sharp(small, raw).gif().toBuffer(), { width: 24, height: 16 });
  await save('pattern.webp', await sharp(small, raw).webp({ lossless: true }).toBuffer(), {
    width: 24,
    height: 16,
  });
  await save('pattern.avif', await sharp(small, raw).avif({ lossless: true }).toBuffer(), {
    width: 24,
    height: 16,
  });
  await save('pattern.tiff', await sharp(small, raw).tiff().toBuffer(), { width: 24, height: 16 });
  await save('png-named.jpg', await sharp(small, raw).png().toBuffer(), { width: 24, height: 16 });
}

await rm(badDir, { recursive: true, force: true });
await rm(edgeDir, { recursive: true, force: true });
await mkdir(badDir, { recursive: true });
await mkdir(edgeDir, { recursive: true });
const badIndex: Record<string, { code: string; what: string }> = {};
const edgeIndex: Record<string, unknown> = {};
await writeBad(badIndex);
await writeEdge(edgeIndex);
await writeFile(join(badDir, 'index.json'), `${JSON.stringify(badIndex, null, 2)}\n`);
await writeFile(join(edgeDir, 'index.json'), `${JSON.stringify(edgeIndex, null, 2)}\n`);
console.log(`wrote ${Object.keys(badIndex).length} bad and ${Object.keys(edgeIndex).length} edge fixtures`);
