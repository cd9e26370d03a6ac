/** remove.bg's canvas parameters on a hand-made matte: roi, crop + margin, scale and position. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { applyRoi, placeSubject } from '../../src/server/removebg-layout.ts';

/** A 10×8 matte with an opaque 2×2 subject at x 4–5, y 3–4; foreground colour encodes the pixel index. */
function scene(): { alpha: PlaneF32; foreground: InterleavedF32 } {
  const alpha = new Float32Array(80);
  for (const [x, y] of [
    [4, 3],
    [5, 3],
    [4, 4],
    [5, 4],
  ])
    alpha[y * 10 + x] = 1;
  const fg = new Float32Array(240);
  for (let i = 0; i < 80; i++) fg[i * 3] = i / 80;
  return {
    alpha: { data: alpha, width: 10, height: 8 },
    foreground: { data: fg, width: 10, height: 8, channels: 3 },
  };
}

test('no layout: the canvas is the image and the subject box is where it was', () => {
  const { alpha, foreground } = scene();
  const placed = placeSubject(alpha, foreground, {});
  assert.deepEqual(placed.subject, { x0: 4, y0: 3, x1: 6, y1: 5 });
  assert.deepEqual([...placed.alpha.data], [...alpha.data]);
});

test('roi in % and px zeroes α outside it', () => {
  const { alpha } = scene();
  const left = applyRoi(alpha, [{ fraction: 0 }, { fraction: 0 }, { fraction: 0.5 }, { fraction: 1 }]);
  // x < 5 kept: only the subject's left column survives.
  assert.equal(
    left.data.reduce((a, b) => a + b, 0),
    2,
  );
  assert.equal(left.data[3 * 10 + 4], 1);
  assert.equal(left.data[3 * 10 + 5], 0);
  const none = applyRoi(alpha, [{ px: 0 }, { px: 0 }, { px: 2 }, { px: 2 }]);
  assert.equal(
    none.data.reduce((a, b) => a + b, 0),
    0,
  );
  assert.equal(
    placeSubject(alpha, scene().foreground, { roi: [{ px: 0 }, { px: 0 }, { px: 2 }, { px: 2 }] }).subject,
    undefined,
  );
});

test('crop with a margin of 1 px: a 4×4 canvas copying the photo exactly, subject at (1, 1)', () => {
  const { alpha, foreground } = scene();
  const m = { px: 1 };
  const placed = placeSubject(alpha, foreground, { crop: true, cropMargin: [m, m, m, m] });
  assert.deepEqual([placed.alpha.width, placed.alpha.height], [4, 4]);
  assert.deepEqual(placed.subject, { x0: 1, y0: 1, x1: 3, y1: 3 });
  // Canvas (1, 1) is image (4, 3): the colour is carried over exactly.
  assert.equal(placed.foreground.data[(1 * 4 + 1) * 3], Math.fround((3 * 10 + 4) / 80));
  assert.equal(placed.alpha.data[0], 0);
});

test('crop margins per side (top, right, bottom, left) and capped at half the subject', () => {
  const { alpha, foreground } = scene();
  const placed = placeSubject(alpha, foreground, {
    crop: true,
    cropMargin: [{ px: 0 }, { px: 1 }, { px: 1 }, { px: 100 }],
  });
  // left wants 100 px, capped at half the subject's width (1 px).
  assert.deepEqual([placed.alpha.width, placed.alpha.height], [2 + 1 + 1, 2 + 0 + 1]);
  assert.deepEqual(placed.subject, { x0: 1, y0: 0, x1: 3, y1: 2 });
});

test('scale 50 % centres a subject twice as large (bilinear); position 0 % 0 % puts it top left', () => {
  const { alpha, foreground } = scene();
  const centred = placeSubject(alpha, foreground, { scale: 0.5 });
  // f = 0.5 · min(10/2, 8/2) = 2: a 4×4 subject in a 10×8 canvas, free space split evenly.
  assert.deepEqual(centred.subject, { x0: 3, y0: 2, x1: 7, y1: 6 });
  assert.deepEqual([centred.alpha.width, centred.alpha.height], [10, 8]);
  // The subject's interior at twice the size is fully opaque; far outside it is empty.
  assert.equal(centred.alpha.data[3 * 10 + 4], 1);
  assert.equal(centred.alpha.data[0], 0);
  const corner = placeSubject(alpha, foreground, { scale: 0.5, position: [0, 0] });
  assert.deepEqual(corner.subject, { x0: 0, y0: 0, x1: 4, y1: 4 });
  const sum = (p: PlaneF32) => p.data.reduce((a, b) => a + b, 0);
  // Area scales by f² = 4 (up to the bilinear edge, which the canvas holds entirely).
  assert.ok(Math.abs(sum(corner.alpha) - 16) < 2.5, `${sum(corner.alpha)}`);
});
