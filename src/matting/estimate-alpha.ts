/**
 * The matting methods on offer, behind one call. `estimateAlpha(image, trimap, { method })` picks one from
 * the registry below; the default is closed-form matting, the fastest here for its accuracy.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import type { AbortLike } from './abort.ts';
import { estimateAlphaClosedForm } from './estimate-alpha-cf.ts';
import { estimateAlphaInformationFlow } from './estimate-alpha-ifm.ts';
import { estimateAlphaKnn } from './estimate-alpha-knn.ts';
import { estimateAlphaLearningBased } from './estimate-alpha-lbdm.ts';

export interface MattingOptions {
  /** Stop the solver at this relative residual. */
  tolerance?: number;
  maxIterations?: number;
  /** Progress in [0, 1]. */
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
  /**
   * Called between a solve's stages on large systems (after building the system, after factoring the
   * preconditioner), when the previous stage's scratch arrays have just died: a host that can collect garbage
   * (a worker thread) frees them here, so they are not still held while the next stage allocates.
   */
  collectGarbage?: () => void;
}

export interface MattingResult {
  alpha: PlaneF32;
  unknownCount: number;
  iterations: number;
  converged: boolean;
}

export interface MattingMethod {
  id: string;
  name: string;
  description: string;
  /**
   * Whether the method may be solved in tiles. Local methods can: a pixel's alpha depends on its
   * surroundings only. KNN links pixels far apart, so it is solved over the whole image.
   */
  local: boolean;
  /**
   * Bytes a tile's solve holds per unknown pixel at its peak (system, preconditioner, solver vectors), for
   * bounding the tiles in flight (see matte-image.ts). Default 500 (closed-form).
   */
  bytesPerUnknown?: number;
  estimate(image: InterleavedF32, trimap: Trimap, options: MattingOptions): MattingResult;
}

export const MATTING_METHODS: Record<string, MattingMethod> = {
  cf: {
    id: 'cf',
    name: 'closed-form matting',
    description: 'Levin, Lischinski, Weiss 2008: local colour-line model over 3×3 windows',
    local: true,
    estimate: estimateAlphaClosedForm,
  },
  lbdm: {
    id: 'lbdm',
    name: 'learning-based matting',
    description: 'Zheng & Kambhamettu 2009: alpha as a local ridge regression of the window colours',
    local: true,
    // Its incomplete Cholesky factor is denser than closed-form's (drop threshold 1e-4, not 5e-4). At 750,
    // once tiles joined first fit, trimap2 peaked at 165 bytes per pixel (GT15) in one run of bench/matting.ts.
    bytesPerUnknown: 1000,
    estimate: estimateAlphaLearningBased,
  },
  knn: {
    id: 'knn',
    name: 'KNN matting',
    description: 'Chen, Li, Tang 2012: non-local neighbours in colour and position, symmetric Laplacian',
    local: false,
    estimate: estimateAlphaKnn,
  },
  ifm: {
    id: 'ifm',
    name: 'information-flow matting',
    description:
      'Aksoy, Aydın, Pollefeys 2017: colour-mixture, known-to-unknown, intra-unknown and local flows, on an edge-trimmed trimap',
    local: false,
    estimate: estimateAlphaInformationFlow,
  },
};

export const DEFAULT_MATTING_METHOD = 'cf';

export function mattingMethod(id: string): MattingMethod {
  const method = MATTING_METHODS[id];
  if (!method) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `unknown matting method '${id}'; choose one of ${Object.keys(MATTING_METHODS).join(', ')}`,
    );
  }
  return method;
}

export function estimateAlpha(
  image: InterleavedF32,
  trimap: Trimap,
  options: MattingOptions & { method?: string } = {},
): MattingResult {
  return mattingMethod(options.method ?? DEFAULT_MATTING_METHOD).estimate(image, trimap, options);
}
