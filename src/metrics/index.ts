export { connectivityError, connectivityLevels } from './connectivity-error.ts';
export type { MatteMetrics } from './evaluate-matte.ts';
export { evaluateMatte } from './evaluate-matte.ts';
export {
  GRADIENT_SIGMA,
  gaussianDerivativeFactors,
  gaussianGradient,
  gaussianGradientMagnitude,
  gaussianHalfWidth,
  gradientError,
} from './gradient-error.ts';
export type { MaskMetrics } from './mask-metrics.ts';
export { evaluateMask, maskIou, meanAbsoluteError } from './mask-metrics.ts';
export { unknownRegion } from './region.ts';
export { mseError, sadError } from './sad-mse.ts';
