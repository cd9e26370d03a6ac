/**
 * Product-shot layouts (src/synth/studio-scenes.ts) that a studio segmenter must get right: backdrop seen
 * through the subject, a subject leaving the frame, several objects, shadows kept or removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelConnectedComponents } from '../../src/core/connected-components.ts';
import { maskIou } from '../../src/metrics/index.ts';
import { segmentStudio } from '../../src/segment/studio/segment-studio.ts';
import { generateStudioScene, type StudioSceneOptions } from '../../src/synth/studio-scenes.ts';

const W = 512;
const H = 384;

function scene(options: Omit<StudioSceneOptions, 'width' | 'height'>) {
  return generateStudioScene({ width: W, height: H, ...options });
}

/** Pixels of the backdrop (α = 0) that the subject encloses: background components off the frame. */
function enclosedBackdrop(alpha: Float32Array): number[] {
  const mask = Uint8Array.from(alpha, (a) => (a === 0 ? 1 : 0));
  const { labels, count } = labelConnectedComponents(mask, W, H, 4);
  const touches = new Uint8Array(count + 1);
  for (let x = 0; x < W; x++) touches[labels[x]] = touches[labels[(H - 1) * W + x]] = 1;
  for (let y = 0; y < H; y++) touches[labels[y * W]] = touches[labels[y * W + W - 1]] = 1;
  const out: number[] = [];
  for (let i = 0; i < W * H; i++) if (labels[i] !== 0 && touches[labels[i]] === 0) out.push(i);
  return out;
}

test('backdrop seen through a handle or a ring is background', () => {
  for (const [layout, background, seed] of [
    ['mug', 'gradient', 2],
    ['ring', 'shadow', 3],
  ] as const) {
    const s = scene({ layout, background, seed });
    const hole = enclosedBackdrop(s.alpha.data);
    assert.ok(hole.length > 1000, `${layout}: the scene has a hole`);
    const result = segmentStudio(s.image);
    const filled = hole.filter((i) => result.probability.data[i] >= 0.5).length;
    assert.ok(
      filled <= 0.005 * hole.length,
      `${layout} on ${background}: ${filled} of ${hole.length} hole pixels kept`,
    );
    const iou = maskIou(result.probability, s.alpha);
    assert.ok(iou >= 0.995, `${layout} on ${background}: IoU ${iou.toFixed(4)}`); // [≥ 0.9977]
  }
});

test('a product standing on the bottom edge keeps its bottom', () => {
  for (const [background, seed] of [
    ['plain', 1],
    ['shadow', 3],
  ] as const) {
    const s = scene({ layout: 'on-edge', background, seed });
    const result = segmentStudio(s.image);
    const bottom = (H - 1) * W;
    let subject = 0;
    let kept = 0;
    for (let x = 0; x < W; x++) {
      if (s.alpha.data[bottom + x] < 1) continue;
      subject++;
      if (result.probability.data[bottom + x] >= 0.5) kept++;
    }
    assert.ok(subject > 50, 'the product touches the bottom edge');
    assert.ok(kept >= 0.99 * subject, `${background}: ${kept} of ${subject} bottom-edge pixels kept`);
    assert.ok(maskIou(result.probability, s.alpha) >= 0.99);
  }
});

test('a wide subject cut by both sides of the frame, on a sweep', () => {
  // The subject splits the frame's backdrop into the wall (top) and the darker floor (bottom).
  const s = scene({ layout: 'cropped', background: 'gradient', seed: 1 });
  const result = segmentStudio(s.image);
  const iou = maskIou(result.probability, s.alpha);
  assert.ok(iou >= 0.99, `IoU ${iou.toFixed(4)}`); // [0.9995]
  assert.ok(result.confidence > 0.9);
});

test('several objects are all kept', () => {
  const s = scene({ layout: 'several', background: 'texture', seed: 2 });
  const result = segmentStudio(s.image);
  const truth = Uint8Array.from(s.alpha.data, (a) => (a >= 0.5 ? 1 : 0));
  const { labels, count, sizes } = labelConnectedComponents(truth, W, H, 8);
  assert.equal(count, 3);
  const found = new Int32Array(count + 1);
  for (let i = 0; i < W * H; i++)
    if (labels[i] !== 0 && result.probability.data[i] >= 0.5) found[labels[i]]++;
  for (let k = 1; k <= count; k++)
    assert.ok(found[k] >= 0.99 * sizes[k], `object ${k}: ${found[k]} of ${sizes[k]}`);
});

test('shadows: removed by default, their core kept on request', () => {
  const seed = 1;
  const shadowed = scene({ layout: 'mug', background: 'shadow', seed });
  // The same sweep without the shadow gives the shadow's darkening exactly.
  const plain = scene({ layout: 'mug', background: 'gradient', seed });
  const shadow: number[] = [];
  for (let i = 0; i < W * H; i++) {
    if (
      shadowed.alpha.data[i] === 0 &&
      shadowed.background.data[3 * i] < 0.85 * plain.background.data[3 * i]
    ) {
      shadow.push(i);
    }
  }
  assert.ok(shadow.length > 5000, 'the scene casts a shadow');
  const share = (p: Float32Array) => shadow.filter((i) => p[i] >= 0.5).length / shadow.length;
  const removed = segmentStudio(shadowed.image);
  const kept = segmentStudio(shadowed.image, { shadows: 'keep' });
  assert.ok(share(removed.probability.data) <= 0.01, `removed: ${share(removed.probability.data)}`);
  assert.ok(share(kept.probability.data) >= 0.5, `kept: ${share(kept.probability.data)}`); // [0.75]
  assert.ok(maskIou(removed.probability, shadowed.alpha) >= 0.995);
});
