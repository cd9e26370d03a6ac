/**
 * The geometry between an image and a model's input tensor: the tensor's size (fixed or derived from the
 * image) and where the resized image sits in it (the whole tensor when squashed, a centred box when
 * letterboxed). The same transform maps the output back, so the two directions cannot disagree.
 */
import type { ResizeMethod } from '../core/resize-plane.ts';
import { CutoutError } from '../errors.ts';
import type { InputSize, InputSpec, ModelTransform, ResizeKernel } from './model-spec.ts';

/** The tensor's width and height for an image of this size. */
export function modelInputSize(imageWidth: number, imageHeight: number, size: InputSize): [number, number] {
  if (size.kind === 'fixed') return [size.width, size.height];
  const { shortEdge, multiple } = size;
  const scale = shortEdge / Math.min(imageWidth, imageHeight);
  // Round down to the multiple, as MODNet's reference script does, but never below one multiple.
  const snap = (v: number) => Math.max(multiple, Math.floor(Math.round(v * scale) / multiple) * multiple);
  return [snap(imageWidth), snap(imageHeight)];
}

export function computeModelTransform(
  imageWidth: number,
  imageHeight: number,
  input: InputSpec,
): ModelTransform {
  if (!(Number.isInteger(imageWidth) && Number.isInteger(imageHeight) && imageWidth > 0 && imageHeight > 0)) {
    throw new CutoutError('CUTOUT_E_INPUT_INVALID_SIZE', `image is ${imageWidth}×${imageHeight} pixels`);
  }
  const [modelWidth, modelHeight] = modelInputSize(imageWidth, imageHeight, input.size);
  if (input.fit === 'squash') {
    return {
      imageWidth,
      imageHeight,
      modelWidth,
      modelHeight,
      content: { x: 0, y: 0, width: modelWidth, height: modelHeight },
    };
  }
  const scale = Math.min(modelWidth / imageWidth, modelHeight / imageHeight);
  const width = Math.min(modelWidth, Math.max(1, Math.round(imageWidth * scale)));
  const height = Math.min(modelHeight, Math.max(1, Math.round(imageHeight * scale)));
  const x = Math.floor((modelWidth - width) / 2);
  const y = Math.floor((modelHeight - height) / 2);
  return { imageWidth, imageHeight, modelWidth, modelHeight, content: { x, y, width, height } };
}

/** The resize method a kernel choice means for one resampling: `auto` is `area` when shrinking. */
export function resolveResizeMethod(
  kernel: ResizeKernel,
  fromWidth: number,
  fromHeight: number,
  toWidth: number,
  toHeight: number,
): ResizeMethod {
  if (kernel !== 'auto') return kernel;
  return toWidth * toHeight < fromWidth * fromHeight ? 'area' : 'bilinear';
}
