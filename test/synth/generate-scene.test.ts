import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CutoutError } from '../../src/errors.ts';
import {
  BACKGROUND_KINDS,
  generateScene,
  MAX_SCENE_PIXELS,
  type Scene,
  type SceneOptions,
  SUBJECT_KINDS,
} from '../../src/synth/index.ts';

const W = 400;
const H = 300;

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The scene's invariants: shapes, ranges, and I = αF + (1 − α)B at every pixel and channel. */
function checkTruth(scene: Scene, what: string): void {
  const { image, alpha, foreground, background } = scene;
  const { width, height } = alpha;
  for (const im of [image, foreground, background]) {
    assert.equal(im.width, width);
    assert.equal(im.height, height);
    assert.equal(im.channels, 3);
    assert.equal(im.data.length, width * height * 3);
  }
  let worst = 0;
  let outOfRange = 0;
  for (let i = 0; i < width * height; i++) {
    const a = alpha.data[i];
    if (!(a >= 0 && a <= 1)) outOfRange++;
    for (let k = 0; k < 3; k++) {
      const p = 3 * i + k;
      const f = foreground.data[p];
      const b = background.data[p];
      if (!(f >= 0 && f <= 1 && b >= 0 && b <= 1)) outOfRange++;
      // NaN must fail too, hence the negated comparison.
      const error = Math.abs(image.data[p] - (a * f + (1 - a) * b));
      if (!(error <= worst)) worst = error;
    }
  }
  assert.equal(outOfRange, 0, `${what}: values outside [0, 1]`);
  assert.ok(worst <= 1e-6, `${what}: compositing error ${worst}`);
}

function count(alpha: Float32Array, keep: (a: number, i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < alpha.length; i++) if (keep(alpha[i], i)) n++;
  return n;
}

/** Chamfer distance (1, √2) to the nearest opaque (α ≥ 0.99) pixel: "how far from the body". */
function distanceFromBody(alpha: Float32Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h).fill(1e9);
  for (let i = 0; i < d.length; i++) if (alpha[i] >= 0.99) d[i] = 0;
  const relax = (i: number, j: number, cost: number) => {
    if (d[j] + cost < d[i]) d[i] = d[j] + cost;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x > 0) relax(i, i - 1, 1);
      if (y > 0) {
        relax(i, i - w, 1);
        if (x > 0) relax(i, i - w - 1, Math.SQRT2);
        if (x < w - 1) relax(i, i - w + 1, Math.SQRT2);
      }
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (x < w - 1) relax(i, i + 1, 1);
      if (y < h - 1) {
        relax(i, i + w, 1);
        if (x < w - 1) relax(i, i + w + 1, Math.SQRT2);
        if (x > 0) relax(i, i + w - 1, Math.SQRT2);
      }
    }
  }
  return d;
}

/** The largest 4-connected set of pixels passing `keep`, as pixel indices. */
function largestRegionPixels(
  alpha: Float32Array,
  w: number,
  h: number,
  keep: (a: number) => boolean,
): number[] {
  const seen = new Uint8Array(w * h);
  let best: number[] = [];
  for (let start = 0; start < alpha.length; start++) {
    if (seen[start] || !keep(alpha[start])) continue;
    seen[start] = 1;
    const stack = [start];
    const region: number[] = [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      region.push(i);
      const x = i % w;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, i - w, i + w]) {
        if (j >= 0 && j < alpha.length && !seen[j] && keep(alpha[j])) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (region.length > best.length) best = region;
  }
  return best;
}

test('the same options give identical bytes; another seed gives another scene', () => {
  const options: SceneOptions = { width: W, height: H, seed: 1234, subject: 'mixed', background: 'busy' };
  const a = generateScene(options);
  const b = generateScene(options);
  for (const key of ['image', 'alpha', 'foreground', 'background'] as const) {
    assert.ok(sameBytes(a[key].data, b[key].data), `${key} differs between identical runs`);
  }
  assert.equal(a.description, b.description);
  const c = generateScene({ ...options, seed: 1235 });
  for (const key of ['image', 'alpha', 'foreground', 'background'] as const) {
    assert.ok(!sameBytes(a[key].data, c[key].data), `${key} is the same for another seed`);
  }
});

test('the subject does not depend on the background kind (separate random streams)', () => {
  const first = generateScene({ width: W, height: H, seed: 77, subject: 'hair', background: 'plain' });
  for (const background of BACKGROUND_KINDS) {
    const other = generateScene({ width: W, height: H, seed: 77, subject: 'hair', background });
    assert.ok(sameBytes(first.alpha.data, other.alpha.data), background);
    assert.ok(sameBytes(first.foreground.data, other.foreground.data), background);
  }
});

test('I = αF + (1 − α)B to 1e-6 with everything in [0, 1], for every subject and background', () => {
  let seed = 100;
  for (const subject of SUBJECT_KINDS) {
    for (const background of BACKGROUND_KINDS) {
      const scene = generateScene({ width: 240, height: 180, seed: seed++, subject, background });
      checkTruth(scene, `${subject}/${background}`);
      assert.match(scene.description, /240×180/);
    }
  }
});

test('every subject kind has a real unknown band and an opaque part', () => {
  for (const subject of SUBJECT_KINDS) {
    for (const seed of [1, 2, 3, 4]) {
      const { alpha } = generateScene({ width: W, height: H, seed, subject, background: 'plain' });
      const unknown = count(alpha.data, (a) => a > 0 && a < 1);
      const opaque = count(alpha.data, (a) => a === 1);
      assert.ok(unknown > 0.004 * W * H, `${subject} seed ${seed}: ${unknown} unknown pixels`);
      assert.ok(opaque > 500, `${subject} seed ${seed}: ${opaque} opaque pixels`);
    }
  }
});

test('hair leaves many faint pixels far from the body; plain shapes do not', () => {
  const farFaint = (subject: 'hair' | 'shapes', seed: number) => {
    const { alpha } = generateScene({ width: W, height: H, seed, subject, background: 'plain' });
    const d = distanceFromBody(alpha.data, W, H);
    return count(alpha.data, (a, i) => a > 0 && a < 0.5 && d[i] > 8);
  };
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const hair = farFaint('hair', seed);
    assert.ok(hair > 2000, `seed ${seed}: ${hair} faint hair pixels more than 8 px from the body`);
    assert.ok(farFaint('shapes', seed) < 50);
  }
});

test('glass makes a large connected region of mid alpha (0.15–0.6)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const { alpha } = generateScene({ width: W, height: H, seed, subject: 'glass', background: 'plain' });
    const region = largestRegionPixels(alpha.data, W, H, (a) => a >= 0.15 && a <= 0.6).length;
    assert.ok(region > 0.05 * W * H, `seed ${seed}: largest mid-alpha region ${region} px`);
  }
  const { alpha } = generateScene({ width: W, height: H, seed: 1, subject: 'shapes', background: 'plain' });
  assert.ok(largestRegionPixels(alpha.data, W, H, (a) => a >= 0.15 && a <= 0.6).length < 100);
});

test('motion blur: edges across the motion ramp over the stated smear length L', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const scene = generateScene({ width: W, height: H, seed, subject: 'motion-blur', background: 'plain' });
    const match = /smeared ([\d.]+) px at (\d+)°/.exec(scene.description);
    assert.ok(match, scene.description);
    const length = Number(match[1]);
    const angle = (Number(match[2]) * Math.PI) / 180;
    // The blurred object's partial-alpha band is its largest; for a convex shape of width D across
    // the motion it covers two ramps of L × D, so L ≈ area / (2·D).
    const band = largestRegionPixels(scene.alpha.data, W, H, (a) => a > 0.02 && a < 0.98);
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of band) {
      const across = -(i % W) * Math.sin(angle) + Math.floor(i / W) * Math.cos(angle);
      lo = Math.min(lo, across);
      hi = Math.max(hi, across);
    }
    const estimate = band.length / (2 * (hi - lo + 1));
    // Stars are not convex: their notches add ramps, hence the looser upper bound.
    assert.ok(
      estimate > 0.85 * length && estimate < 1.4 * length,
      `seed ${seed}: L=${length}, ramps say ${estimate}`,
    );
  }
});

test('tiny and odd sizes work for every subject', () => {
  for (const [width, height] of [
    [1, 1],
    [3, 2],
    [17, 9],
    [9, 40],
  ]) {
    for (const subject of SUBJECT_KINDS) {
      checkTruth(
        generateScene({ width, height, seed: 5, subject, background: 'texture' }),
        `${width}×${height}`,
      );
    }
  }
});

test('defaults are a mixed subject on a gradient', () => {
  const scene = generateScene({ width: 200, height: 150, seed: 3 });
  assert.match(scene.description, /^mixed: /);
  assert.match(scene.description, /gradient/);
  assert.match(scene.description, /seed 3/);
});

test('bad options fail with CUTOUT_E_INVALID_OPTION and a message naming the problem', () => {
  const bad: Array<[Partial<SceneOptions>, RegExp]> = [
    [{ width: 0 }, /size/],
    [{ width: 10.5 }, /size/],
    [{ height: -3 }, /size/],
    [{ width: 10_000, height: 10_000 }, /limit/],
    [{ seed: 0.5 }, /seed/],
    [{ seed: Number.NaN }, /seed/],
    [{ subject: 'cat' as never }, /unknown subject 'cat'/],
    [{ background: 'space' as never }, /unknown background 'space'/],
  ];
  for (const [change, message] of bad) {
    assert.throws(
      () => generateScene({ width: 10, height: 10, seed: 1, ...change }),
      (error: unknown) =>
        error instanceof CutoutError &&
        error.code === 'CUTOUT_E_INVALID_OPTION' &&
        message.test(error.message),
    );
  }
  assert.ok(MAX_SCENE_PIXELS >= 4000 * 3000);
});
