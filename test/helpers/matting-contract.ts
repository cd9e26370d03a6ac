/**
 * Checks every matting method's tests share: SAD budgets on small generated scenes, and the contract of an
 * estimator (known pixels kept, output in [0, 1], progress rising to 1, an aborted signal honoured, a trimap of
 * the wrong size refused). Each method's test adds its own checks on the returned scene and result.
 */
import assert from 'node:assert/strict';
import type { InterleavedF32, PlaneF32, Trimap } from '../../src/core/image.ts';
import { evaluateMatte } from '../../src/metrics/index.ts';
import { type BackgroundKind, generateScene, type SubjectKind } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';

interface ContractOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}
type Estimator<R> = (image: InterleavedF32, trimap: Trimap, options?: ContractOptions) => R;

/** Each 96×72 scene (seed 7, trimap radius 3) must be matted within its SAD budget. */
export function assertSadBudgets(
  estimate: Estimator<{ alpha: PlaneF32 }>,
  cases: readonly { subject: SubjectKind; background: BackgroundKind; budget: number }[],
): void {
  for (const { subject, background, budget } of cases) {
    const scene = generateScene({ width: 96, height: 72, seed: 7, subject, background });
    const trimap = trimapFromAlpha(scene.alpha, 3);
    const { sad } = evaluateMatte(estimate(scene.image, trimap).alpha, scene.alpha, trimap);
    assert.ok(sad <= budget, `${subject} on ${background}: SAD ${sad} > ${budget}`);
  }
}

/** The estimator's contract on a 64×48 hair scene; returns the scene, trimap, result and progress reports. */
export function assertMattingContract<R extends { alpha: PlaneF32 }>(estimate: Estimator<R>) {
  const scene = generateScene({ width: 64, height: 48, seed: 3, subject: 'hair', background: 'gradient' });
  const trimap = trimapFromAlpha(scene.alpha, 3);
  const progress: number[] = [];
  const result = estimate(scene.image, trimap, { onProgress: (f) => progress.push(f) });
  for (let p = 0; p < trimap.data.length; p++) {
    const a = result.alpha.data[p];
    assert.ok(a >= 0 && a <= 1);
    if (trimap.data[p] === 0) assert.equal(a, 0);
    if (trimap.data[p] === 255) assert.equal(a, 1);
  }
  assert.equal(progress.at(-1), 1);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1]);

  const controller = new AbortController();
  controller.abort();
  assert.throws(() => estimate(scene.image, trimap, { signal: controller.signal }), { name: 'AbortError' });
  assert.throws(() => estimate(scene.image, { data: new Uint8Array(4), width: 2, height: 2 }), RangeError);
  return { scene, trimap, result, progress };
}
