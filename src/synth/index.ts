/** Synthetic scenes with exact ground truth (α, F, B) for testing and benchmarking matting. */

export { BACKGROUND_KINDS, type BackgroundKind } from './backgrounds.ts';
export {
  type Bounds,
  type CoverageMask,
  imageRect,
  type PixelRect,
  rasterizeCoverage,
  type SignedDistance,
} from './coverage.ts';
export { generateScene, MAX_SCENE_PIXELS, type Scene, type SceneOptions } from './generate-scene.ts';
export { motionBlurMask } from './motion-blur.ts';
export { Random } from './random.ts';
export { ellipse, polygon, regularPolygon, roundedRect, type Shape, star } from './shapes.ts';
export { SUBJECT_KINDS, type SubjectKind } from './subjects.ts';
