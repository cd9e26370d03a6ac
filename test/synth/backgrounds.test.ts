import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKGROUND_KINDS, type BackgroundKind, renderBackground } from '../../src/synth/backgrounds.ts';
import { Random } from '../../src/synth/random.ts';

const W = 320;
const H = 240;
const subject = { x0: 100, y0: 40, x1: 220, y1: 200 };

function stats(kind: BackgroundKind, seed: number) {
  const { image, description } = renderBackground(kind, W, H, new Random(seed), subject);
  const b = image.data;
  const lum = new Float64Array(W * H);
  for (let i = 0; i < lum.length; i++) {
    for (let k = 0; k < 3; k++) assert.ok(b[3 * i + k] >= 0 && b[3 * i + k] <= 1, `${kind}: B out of range`);
    lum[i] = (b[3 * i] + b[3 * i + 1] + b[3 * i + 2]) / 3;
  }
  let mean = 0;
  for (const v of lum) mean += v;
  mean /= lum.length;
  let variance = 0;
  for (const v of lum) variance += (v - mean) ** 2;
  let step = 0;
  let strongEdges = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 1; x < W; x++) {
      const d = Math.abs(lum[y * W + x] - lum[y * W + x - 1]);
      step += d;
      if (d > 0.25) strongEdges++;
    }
  }
  let darkest = 0;
  for (let i = 1; i < lum.length; i++) if (lum[i] < lum[darkest]) darkest = i;
  const sorted = Float64Array.from(lum).sort();
  let top = 0;
  let bottom = 0;
  for (let x = 0; x < W; x++) {
    top += lum[x] / W;
    bottom += lum[(H - 1) * W + x] / W;
  }
  return {
    description,
    sd: Math.sqrt(variance / lum.length),
    /** Mean absolute difference of horizontal neighbours: fine detail. */
    step: step / (H * (W - 1)),
    strongEdges: strongEdges / (H * (W - 1)),
    darkRatio: sorted[0] / sorted[sorted.length >> 1],
    darkest: { x: darkest % W, y: Math.floor(darkest / W) },
    topMinusBottom: top - bottom,
  };
}

test('each background kind has its own character', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const plain = stats('plain', seed);
    assert.ok(
      plain.sd < 0.02 && plain.step < 0.001 && plain.strongEdges === 0,
      `plain ${JSON.stringify(plain)}`,
    );

    const gradient = stats('gradient', seed);
    assert.ok(Math.abs(gradient.topMinusBottom) > 0.1, `gradient ${JSON.stringify(gradient)}`);
    assert.ok(gradient.step < 0.001 && gradient.darkRatio > 0.45 && gradient.strongEdges === 0);

    const shadow = stats('shadow', seed);
    assert.ok(shadow.darkRatio < 0.45 && shadow.step < 0.002, `shadow ${JSON.stringify(shadow)}`);
    // The shadow sits at the subject's feet, not somewhere else.
    assert.ok(Math.abs(shadow.darkest.y - (subject.y1 - 16)) < 0.12 * H, `shadow at ${shadow.darkest.y}`);
    assert.ok(
      Math.abs(shadow.darkest.x - 160) < 0.4 * (subject.x1 - subject.x0),
      `shadow at ${shadow.darkest.x}`,
    );

    const texture = stats('texture', seed);
    assert.ok(texture.sd > 0.03 && texture.step > 0.003, `texture ${JSON.stringify(texture)}`);
    assert.ok(texture.strongEdges < 0.001);

    const busy = stats('busy', seed);
    assert.ok(busy.sd > 0.12 && busy.strongEdges > 0.003, `busy ${JSON.stringify(busy)}`);
    assert.ok(busy.sd > 3 * texture.sd || busy.strongEdges > 10 * texture.strongEdges);
    assert.ok(busy.sd > 5 * plain.sd);
  }
});

test('backgrounds are deterministic per seed and describe themselves', () => {
  for (const kind of BACKGROUND_KINDS) {
    const a = renderBackground(kind, 64, 48, new Random(9), null);
    const b = renderBackground(kind, 64, 48, new Random(9), null);
    const c = renderBackground(kind, 64, 48, new Random(10), null);
    assert.deepEqual(a.image.data, b.image.data);
    assert.notDeepEqual(a.image.data, c.image.data);
    assert.ok(a.description.length > 0);
    assert.equal(a.image.channels, 3);
  }
});
