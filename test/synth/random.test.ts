import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSeed, Random } from '../../src/synth/random.ts';

test('the same seed and stream give the same sequence; others differ', () => {
  const draw = (seed: number, stream = 0) => {
    const rng = new Random(seed, stream);
    return Array.from({ length: 64 }, () => rng.next());
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  assert.notDeepEqual(draw(42, 1), draw(42, 2));
  // Both 32-bit words of a large seed matter.
  assert.notDeepEqual(draw(2 ** 40 + 5), draw(5));
  assert.notDeepEqual(draw(-1), draw(0xffffffff));
});

test('next() is uniform in [0, 1): mean, variance and bin counts', () => {
  const rng = new Random(7);
  const n = 200_000;
  const bins = new Array<number>(10).fill(0);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sumSq += u * u;
    bins[Math.floor(u * 10)]++;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sumSq / n - mean * mean - 1 / 12) < 0.002);
  for (const count of bins) assert.ok(Math.abs(count - n / 10) < 0.03 * (n / 10), `bin ${count}`);
});

test('normal() has the requested mean and standard deviation; int() covers both ends', () => {
  const rng = new Random(11);
  const n = 100_000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = rng.normal(3, 2);
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sumSq / n - mean * mean);
  assert.ok(Math.abs(mean - 3) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.03, `sd ${sd}`);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 5));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});

test('seeds must be safe integers', () => {
  assert.throws(() => hashSeed(1.5), RangeError);
  assert.throws(() => hashSeed(Number.NaN), RangeError);
  assert.throws(() => new Random(2 ** 60), RangeError);
});
