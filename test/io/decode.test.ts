import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { CutoutError } from '../../src/errors.ts';
import { decodeImage, decodeMatte, decodeTrimap, readImageHeader } from '../../src/io/index.ts';
import { badDir, badFixtures, edgeDir, edgeFixtures } from '../fixtures.ts';
import { orientationProbe } from '../helpers/orientation.ts';

const to8 = (v: number) => Math.round(v * 255);

describe('bad inputs fail with a coded error naming the file', () => {
  for (const [name, { code, what }] of Object.entries(badFixtures)) {
    test(`${name} (${what}) → ${code}`, async () => {
      const path = join(badDir, name);
      const started = performance.now();
      await assert.rejects(decodeImage(path), (error: unknown) => {
        assert.ok(error instanceof CutoutError, `expected a CutoutError, got ${error}`);
        assert.equal(error.code, code);
        assert.ok(error.message.includes(path), `message names the file: ${error.message}`);
        return true;
      });
      assert.ok(performance.now() - started < 2000, 'fails within 2 s');
    });
  }

  test('a missing file is CUTOUT_E_INPUT_NOT_FOUND', async () => {
    await assert.rejects(decodeImage(join(badDir, 'no-such-file.png')), { code: 'CUTOUT_E_INPUT_NOT_FOUND' });
  });

  test('a folder is not an image', async () => {
    await assert.rejects(decodeImage(badDir), { code: 'CUTOUT_E_INPUT_UNSUPPORTED' });
  });

  test('a buffer source is named by the name option', async () => {
    await assert.rejects(decodeImage(Buffer.from('nope'), { name: 'upload.png' }), /upload\.png/);
  });

  test('the pixel limit is configurable and checked before decoding', async () => {
    const path = join(edgeDir, 'orientation-1.jpg');
    await assert.rejects(decodeImage(path, { maxPixels: 1000 }), { code: 'CUTOUT_E_INPUT_TOO_LARGE' });
    const header = await readImageHeader(path, { maxPixels: 48 * 32 });
    assert.equal(header.width, 48);
  });

  test('maxBytes limits streams and files', async () => {
    const path = join(edgeDir, 'orientation-1.jpg');
    await assert.rejects(decodeImage(createReadStream(path), { maxBytes: 100 }), {
      code: 'CUTOUT_E_INPUT_TOO_LARGE',
    });
    await assert.rejects(decodeImage(path, { maxBytes: 100 }), { code: 'CUTOUT_E_INPUT_TOO_LARGE' });
  });
});

describe('unusual inputs decode correctly', () => {
  test('1×1 PNG', async () => {
    const { colour, alpha } = await decodeImage(join(edgeDir, '1x1.png'));
    assert.equal(colour.width, 1);
    assert.equal(colour.height, 1);
    assert.deepEqual([...colour.data].map(to8), edgeFixtures['1x1.png'].rgb8);
    assert.equal(alpha, undefined);
  });

  test('16-bit PNG keeps all 16 bits', async () => {
    const { colour, header } = await decodeImage(join(edgeDir, 'rgb16.png'));
    assert.equal(header.bitDepth, 16);
    const expected: number[] = edgeFixtures['rgb16.png'].rgb16;
    assert.deepEqual(
      [...colour.data].map((v) => Math.round(v * 65535)),
      expected,
    );
  });

  test('CMYK JPEG is converted to sRGB', async () => {
    const { colour } = await decodeImage(join(edgeDir, 'cmyk.jpg'));
    const { rgb8Approx, tolerance } = edgeFixtures['cmyk.jpg'];
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(to8(colour.data[k]) - rgb8Approx[k]) <= tolerance, `channel ${k}`);
    }
  });

  test('an ICC profile (Display P3) is converted to sRGB', async () => {
    const red = Buffer.alloc(8 * 8 * 3);
    for (let i = 0; i < red.length; i += 3) red[i] = 255;
    const p3 = await sharp(red, { raw: { width: 8, height: 8, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
    assert.ok(stored[0] < 245, 'the file really stores P3 values');
    const { colour } = await decodeImage(p3);
    assert.deepEqual([...colour.data.subarray(0, 3)].map(to8), [255, 0, 0]);
  });

  test('grey + alpha PNG: grey copied to RGB, alpha kept as its own plane', async () => {
    const { colour, alpha } = await decodeImage(join(edgeDir, 'grey-alpha.png'));
    const { grey8, alpha8 } = edgeFixtures['grey-alpha.png'];
    assert.ok(alpha);
    assert.deepEqual([...alpha.data].map(to8), alpha8);
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 3; k++) assert.equal(to8(colour.data[i * 3 + k]), grey8[i]);
    }
  });

  test('palette PNG with tRNS gives its transparency as alpha', async () => {
    const { colour, alpha } = await decodeImage(join(edgeDir, 'palette-trns.png'));
    const { alpha8, rgb8Opaque } = edgeFixtures['palette-trns.png'];
    assert.ok(alpha);
    assert.deepEqual([...alpha.data].map(to8), alpha8);
    for (const [index, rgb] of Object.entries(rgb8Opaque) as [string, number[]][]) {
      const i = Number(index) * 3;
      assert.deepEqual([...colour.data.subarray(i, i + 3)].map(to8), rgb);
    }
  });

  for (let orientation = 1; orientation <= 8; orientation++) {
    test(`EXIF orientation ${orientation} is applied`, async () => {
      const path = join(edgeDir, `orientation-${orientation}.jpg`);
      const header = await readImageHeader(path);
      assert.equal(header.orientation, orientation);
      const { colour } = await decodeImage(path);
      const probe = orientationProbe();
      assert.equal(colour.width, probe.width);
      assert.equal(colour.height, probe.height);
      // Compare at the centre of each quadrant, away from JPEG's block edges.
      for (const [x, y] of [
        [12, 8],
        [36, 8],
        [12, 24],
        [36, 24],
      ]) {
        const i = (y * probe.width + x) * 3;
        for (let k = 0; k < 3; k++) {
          const got = to8(colour.data[i + k]);
          assert.ok(
            Math.abs(got - probe.data[i + k]) <= 12,
            `(${x},${y}) channel ${k}: ${got} vs ${probe.data[i + k]}`,
          );
        }
      }
    });
  }

  for (const name of ['pattern.gif', 'pattern.webp', 'pattern.avif', 'pattern.tiff', 'png-named.jpg']) {
    test(`${name} decodes (format from content, not name)`, async () => {
      const { colour, header } = await decodeImage(join(edgeDir, name));
      assert.equal(colour.width, edgeFixtures[name].width);
      assert.equal(colour.height, edgeFixtures[name].height);
      assert.equal(header.format, name === 'png-named.jpg' ? 'png' : name.split('.')[1]);
    });
  }

  test('stream and buffer sources give the same pixels as a path', async () => {
    const path = join(edgeDir, 'pattern.tiff');
    const fromPath = await decodeImage(path);
    const fromBuffer = await decodeImage(readFileSync(path));
    const fromStream = await decodeImage(createReadStream(path));
    assert.deepEqual(fromBuffer.colour.data, fromPath.colour.data);
    assert.deepEqual(fromStream.colour.data, fromPath.colour.data);
  });
});

describe('mattes and trimaps', () => {
  test('decodeMatte reads an RGBA cutout by its alpha and a grey image by its level', async () => {
    const fromAlpha = await decodeMatte(join(edgeDir, 'grey-alpha.png'));
    assert.deepEqual([...fromAlpha.data].map(to8), edgeFixtures['grey-alpha.png'].alpha8);
    const grey = await sharp(Buffer.from([0, 128, 255, 7]), { raw: { width: 2, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    assert.deepEqual([...(await decodeMatte(grey)).data].map(to8), [0, 128, 255, 7]);
  });

  test('decodeMatte reads a colour mask by its mean, an opaque alpha channel by the colour, 16 bits exactly', async () => {
    const rgb = await sharp(Buffer.from([30, 60, 90, 255, 255, 255]), {
      raw: { width: 2, height: 1, channels: 3 },
    })
      .png()
      .toBuffer();
    assert.deepEqual([...(await decodeMatte(rgb)).data].map(to8), [60, 255]);
    // An alpha channel that is 255 everywhere carries no matte: the grey level does.
    const opaque = await sharp(Buffer.from([10, 10, 10, 255, 200, 200, 200, 255]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    assert.deepEqual([...(await decodeMatte(opaque)).data].map(to8), [10, 200]);
    const sixteen = await sharp(Buffer.from([0, 128, 255]), { raw: { width: 3, height: 1, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    assert.equal((await sharp(sixteen).metadata()).depth, 'ushort');
    const plane = await decodeMatte(sixteen);
    assert.deepEqual([...plane.data], [0, Math.fround((128 * 257) / 65535), 1]);
  });

  test('decodeImage and decodeMatte can decode into shared memory, with the same values', async () => {
    const path = join(edgeDir, 'pattern.tiff');
    const plain = await decodeImage(path);
    const shared = await decodeImage(path, { shared: true });
    assert.ok(shared.colour.data.buffer instanceof SharedArrayBuffer);
    assert.ok(!(plain.colour.data.buffer instanceof SharedArrayBuffer));
    assert.deepEqual([...shared.colour.data], [...plain.colour.data]);
    const sharedMatte = await decodeMatte(path, { shared: true });
    assert.ok(sharedMatte.data.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...sharedMatte.data], [...(await decodeMatte(path)).data]);
  });

  test('decodeTrimap keeps 8-bit values exactly', async () => {
    const values = [0, 128, 255, 102];
    const png = await sharp(Buffer.from(values), { raw: { width: 4, height: 1, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    assert.deepEqual([...(await decodeTrimap(png)).data], values);
  });
});
