/** Prompts for the cut: `--box x,y,w,h` and foreground/background strokes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelConnectedComponents } from '../../src/core/connected-components.ts';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { maskIou } from '../../src/metrics/index.ts';
import {
  applyPrompts,
  checkStrokes,
  clipBox,
  fitStrokes,
  parseBox,
  strokesFromImage,
} from '../../src/segment/prompts.ts';
import { segmentStudio } from '../../src/segment/studio/segment-studio.ts';
import { generateStudioScene } from '../../src/synth/studio-scenes.ts';

test('parseBox reads x,y,w,h and explains what is wrong', () => {
  assert.deepEqual(parseBox('10,20,300,400'), { x: 10, y: 20, width: 300, height: 400 });
  assert.deepEqual(parseBox(' 0, 5 ,1,2 '), { x: 0, y: 5, width: 1, height: 2 });
  const cases: [string, RegExp][] = [
    ['10,20,300', /has 3 value\(s\)/],
    ['', /has 1 value\(s\)/],
    ['a,b,c,d', /x "a" is not a whole number/],
    ['-1,2,3,4', /x "-1" is not a whole number/],
    ['1,2,3.5,4', /width "3.5" is not a whole number/],
    ['1,2,0,4', /at least 1/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseBox(text),
      (error: Error & { code?: string }) =>
        error.code === 'CUTOUT_E_INVALID_OPTION' &&
        message.test(error.message) &&
        /--box x,y,width,height/.test(error.message),
      text,
    );
  }
});

test('clipBox keeps the part inside the image and refuses a box that misses it', () => {
  assert.deepEqual(clipBox({ x: 90, y: 10, width: 50, height: 20 }, 100, 80), {
    x: 90,
    y: 10,
    width: 10,
    height: 20,
  });
  assert.throws(() => clipBox({ x: 100, y: 0, width: 5, height: 5 }, 100, 80), /outside the 100×80 image/);
  assert.throws(() => clipBox({ x: 1.5, y: 0, width: 5, height: 5 }, 100, 80), {
    code: 'CUTOUT_E_INVALID_OPTION',
  });
});

test('strokes must match the image size', () => {
  const strokes = { width: 10, height: 10, data: new Uint8Array(100).fill(128) };
  strokes.data[0] = 255;
  strokes.data[1] = 0;
  assert.deepEqual(checkStrokes(strokes, 10, 10), { foreground: 1, background: 1 });
  assert.throws(() => checkStrokes(strokes, 10, 11), { code: 'CUTOUT_E_SIZE_MISMATCH' });
});

test('fitStrokes: same size as is, same shape resized (nearest), another shape refused', () => {
  const strokes = { width: 4, height: 2, data: Uint8Array.from([255, 255, 128, 0, 128, 128, 0, 0]) };
  assert.equal(fitStrokes(strokes, 4, 2), strokes);
  // Twice the size: every source pixel becomes a 2 × 2 block.
  const up = fitStrokes(strokes, 8, 4);
  assert.deepEqual(
    [...up.data],
    [
      255, 255, 255, 255, 128, 128, 0, 0, 255, 255, 255, 255, 128, 128, 0, 0, 128, 128, 128, 128, 0, 0, 0, 0,
      128, 128, 128, 128, 0, 0, 0, 0,
    ],
  );
  assert.deepEqual([...fitStrokes(up, 4, 2).data], [...strokes.data]);
  assert.throws(() => fitStrokes(strokes, 4, 4, 'marks.png'), {
    code: 'CUTOUT_E_SIZE_MISMATCH',
    message: /^marks\.png: is 4×2 but the image is 4×4/,
  });
});

test('strokesFromImage: white marks the subject, black the background, grey and transparent nothing', () => {
  const grey = [1, 0.95, 0.5, 0.05, 0, 0.2, 1, 0];
  const colour = {
    width: 4,
    height: 2,
    channels: 3,
    data: Float32Array.from(grey.flatMap((v) => [v, v, v])),
  };
  assert.deepEqual([...strokesFromImage(colour).data], [255, 255, 128, 0, 0, 128, 255, 0]);
  const alpha = { width: 4, height: 2, data: Float32Array.from([1, 1, 1, 1, 1, 1, 0.2, 0.4]) };
  assert.deepEqual([...strokesFromImage(colour, alpha).data], [255, 255, 128, 0, 0, 128, 128, 128]);
});

test('applyPrompts: zero outside the box, strokes forced, the trimap made sure at the same pixels', () => {
  const probability = { width: 4, height: 3, data: new Float32Array(12).fill(0.6) };
  const trimap = { width: 4, height: 3, data: new Uint8Array(12).fill(128) };
  const strokes = { width: 4, height: 3, data: new Uint8Array(12).fill(128) };
  strokes.data[5] = 255;
  strokes.data[6] = 0;
  strokes.data[0] = 255; // outside the box, but a stroke says subject: the stroke wins
  applyPrompts(probability, { x: 1, y: 1, width: 2, height: 2 }, strokes, trimap);
  const p = (v: number) => Math.round(v * 10) / 10;
  assert.deepEqual([...probability.data].map(p), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0.6, 0.6, 0]);
  assert.deepEqual([...trimap.data], [255, 0, 0, 0, 0, 255, 0, 0, 0, 128, 128, 0]);
});

/** The tight bounding box of α > 0 with a margin, as a user would draw it. */
function boxAround(alpha: Float32Array, width: number, height: number, margin: number) {
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x] === 0) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  return {
    x: x0,
    y: y0,
    width: Math.min(width - 1, x1 + margin) - x0 + 1,
    height: Math.min(height - 1, y1 + margin) - y0 + 1,
  };
}

test('a box makes the cut work on a busy background', () => {
  const W = 512;
  const H = 384;
  const s = generateStudioScene({ width: W, height: H, seed: 1, layout: 'mug', background: 'busy' });
  const alone = segmentStudio(s.image);
  assert.ok(maskIou(alone.probability, s.alpha) < 0.5);
  assert.ok(alone.confidence < 0.5);
  const box = boxAround(s.alpha.data, W, H, 12);
  const boxed = segmentStudio(s.image, { box });
  const iou = maskIou(boxed.probability, s.alpha);
  assert.ok(iou >= 0.98, `IoU ${iou.toFixed(4)}`); // [0.996]
  assert.ok(boxed.confidence >= 0.9, `confidence ${boxed.confidence}`);
  // Outside the box is background, exactly.
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const outside = x < box.x || x >= box.x + box.width || y < box.y || y >= box.y + box.height;
      if (outside) assert.equal(boxed.probability.data[y * W + x], 0);
    }
  }
});

test('a background stroke removes a whole object, the others stay', () => {
  const W = 512;
  const H = 384;
  const s = generateStudioScene({ width: W, height: H, seed: 2, layout: 'several', background: 'plain' });
  const truth = Uint8Array.from(s.alpha.data, (a) => (a >= 0.5 ? 1 : 0));
  const { labels, count, sizes } = labelConnectedComponents(truth, W, H, 8);
  assert.equal(count, 3);
  // A short horizontal stroke through the middle of object 2.
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < W * H; i++) {
    if (labels[i] === 2) {
      sx += i % W;
      sy += Math.floor(i / W);
    }
  }
  const cx = Math.round(sx / sizes[2]);
  const cy = Math.round(sy / sizes[2]);
  const strokes: Trimap = { width: W, height: H, data: new Uint8Array(W * H).fill(128) };
  for (let y = cy - 2; y <= cy + 2; y++) for (let x = cx - 15; x <= cx + 15; x++) strokes.data[y * W + x] = 0;
  const result = segmentStudio(s.image, { strokes });
  const kept = new Int32Array(count + 1);
  for (let i = 0; i < W * H; i++) if (labels[i] !== 0 && result.probability.data[i] >= 0.5) kept[labels[i]]++;
  assert.ok(kept[2] <= 0.01 * sizes[2], `stroked object: ${kept[2]} of ${sizes[2]} kept`);
  for (const k of [1, 3]) assert.ok(kept[k] >= 0.99 * sizes[k], `object ${k}: ${kept[k]} of ${sizes[k]}`);
});

test('a background stroke takes its own region, not the same colour elsewhere', () => {
  // Two red squares on grey; a stroke on the left one.
  const W = 300;
  const H = 200;
  const red = (x: number, y: number) => y >= 70 && y < 130 && ((x >= 40 && x < 100) || (x >= 200 && x < 260));
  const data = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set(red(x, y) ? [0.8, 0.1, 0.1] : [0.85, 0.85, 0.85], 3 * (y * W + x));
  }
  const strokes: Trimap = { width: W, height: H, data: new Uint8Array(W * H).fill(128) };
  for (let x = 55; x < 85; x++) strokes.data[100 * W + x] = 0;
  const p = segmentStudio({ width: W, height: H, channels: 3, data }, { strokes }).probability.data;
  assert.equal(p[80 * W + 50], 0, 'the stroked square goes');
  assert.equal(p[120 * W + 90], 0);
  assert.equal(p[100 * W + 230], 1, 'the other square stays');
});

test('a foreground stroke brings in a faint object the segmenter missed', () => {
  // A disc barely lighter than the grey backdrop (2.5 % per channel), and a red square.
  const W = 400;
  const H = 300;
  const inDisc = (x: number, y: number) => (x - 200) ** 2 + (y - 150) ** 2 < 60 ** 2;
  const data = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = inDisc(x, y) ? 0.825 : 0.8;
      const red = x >= 40 && x < 80 && y >= 40 && y < 80;
      data.set(red ? [0.8, 0.1, 0.1] : [v, v, 0.98 * v], 3 * (y * W + x));
    }
  }
  const image: InterleavedF32 = { width: W, height: H, channels: 3, data };
  const disc = (p: Float32Array) => {
    let inside = 0;
    let kept = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if ((x - 200) ** 2 + (y - 150) ** 2 >= 55 ** 2) continue;
        inside++;
        if (p[y * W + x] >= 0.5) kept++;
      }
    }
    return kept / inside;
  };
  assert.equal(disc(segmentStudio(image).probability.data), 0);
  const strokes: Trimap = { width: W, height: H, data: new Uint8Array(W * H).fill(128) };
  for (let y = 145; y < 155; y++) for (let x = 170; x < 230; x++) strokes.data[y * W + x] = 255;
  const result = segmentStudio(image, { strokes });
  assert.ok(disc(result.probability.data) >= 0.99, `disc: ${disc(result.probability.data)}`);
  // The red square stays, the backdrop stays background.
  assert.equal(result.probability.data[60 * W + 60], 1);
  assert.equal(result.probability.data[250 * W + 350], 0);
});
