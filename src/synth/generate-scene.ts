/**
 * A synthetic photo with exact ground truth: α, F and B are built first and the image is then
 * I = αF + (1 − α)B, so the compositing equation holds at every pixel by construction.
 * The subject and the background draw from separate random streams of the one seed, so changing
 * the background kind keeps the same subject (and vice versa).
 */

import { createInterleavedF32, type InterleavedF32, type PlaneF32 } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { BACKGROUND_KINDS, type BackgroundKind, renderBackground } from './backgrounds.ts';
import { createLayerStack, resolveForeground } from './layer-stack.ts';
import { Random } from './random.ts';
import { paintSubject, SUBJECT_KINDS, type SubjectKind } from './subjects.ts';

export interface SceneOptions {
  width: number;
  height: number;
  /** Any safe integer; the same seed and options give the same bytes. */
  seed: number;
  /** Default 'mixed'. */
  subject?: SubjectKind;
  /** Default 'gradient'. */
  background?: BackgroundKind;
}

export interface Scene {
  /** I = αF + (1 − α)B, RGB in [0, 1]. */
  image: InterleavedF32;
  alpha: PlaneF32;
  /** Subject colour, defined everywhere (extended beyond the subject), RGB in [0, 1]. */
  foreground: InterleavedF32;
  background: InterleavedF32;
  description: string;
}

/** 25 MP: enough for any camera size we test with; a scene holds about 40 bytes per pixel. */
export const MAX_SCENE_PIXELS = 25_000_000;

const SUBJECT_STREAM = 1;
const BACKGROUND_STREAM = 2;

function validate(options: SceneOptions): { subject: SubjectKind; background: BackgroundKind } {
  const { width, height, seed } = options;
  const invalid = (message: string) => new CutoutError('CUTOUT_E_INVALID_OPTION', message);
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw invalid(`scene size must be positive integers, got ${width}×${height}`);
  }
  if (width * height > MAX_SCENE_PIXELS) {
    throw invalid(`scene of ${width}×${height} exceeds the limit of ${MAX_SCENE_PIXELS} pixels`);
  }
  if (!Number.isSafeInteger(seed)) throw invalid(`seed must be a safe integer, got ${seed}`);
  const subject = options.subject ?? 'mixed';
  const background = options.background ?? 'gradient';
  if (!SUBJECT_KINDS.includes(subject)) {
    throw invalid(`unknown subject '${subject}' (expected one of ${SUBJECT_KINDS.join(', ')})`);
  }
  if (!BACKGROUND_KINDS.includes(background)) {
    throw invalid(`unknown background '${background}' (expected one of ${BACKGROUND_KINDS.join(', ')})`);
  }
  return { subject, background };
}

export function generateScene(options: SceneOptions): Scene {
  const { subject, background: backgroundKind } = validate(options);
  const { width, height, seed } = options;

  const stack = createLayerStack(width, height);
  const subjectText = paintSubject(subject, stack, new Random(seed, SUBJECT_STREAM));
  const painted = stack.painted;
  const { alpha, foreground } = resolveForeground(stack);
  const background = renderBackground(
    backgroundKind,
    width,
    height,
    new Random(seed, BACKGROUND_STREAM),
    painted,
  );

  const image = createInterleavedF32(width, height, 3);
  const a = alpha.data;
  const f = foreground.data;
  const b = background.image.data;
  const out = image.data;
  // Float32 inputs, the sum in double, one rounding to Float32: within half an ulp of exact.
  for (let i = 0; i < a.length; i++) {
    const ai = a[i];
    const bi = 1 - ai;
    const p = 3 * i;
    out[p] = ai * f[p] + bi * b[p];
    out[p + 1] = ai * f[p + 1] + bi * b[p + 1];
    out[p + 2] = ai * f[p + 2] + bi * b[p + 2];
  }

  return {
    image,
    alpha,
    foreground,
    background: background.image,
    description: `${subjectText}; on a ${background.description} background; ${width}×${height}, seed ${seed}`,
  };
}
