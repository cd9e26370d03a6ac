/**
 * The way back: a probability map at the model's resolution is cropped to the part that shows the image
 * (dropping letterbox padding) and resized to the image's size, by the same transform that prepared the input.
 */
import type { PlaneF32 } from '../core/image.ts';
import { resizePlane } from '../core/resize-plane.ts';
import { resolveResizeMethod } from './fit-geometry.ts';
import type { ModelTransform, ResizeKernel } from './model-spec.ts';

export function probabilityToImage(
  probability: PlaneF32,
  transform: ModelTransform,
  kernel: ResizeKernel = 'auto',
): PlaneF32 {
  const { modelWidth, modelHeight, content, imageWidth, imageHeight } = transform;
  // Some networks answer at a fraction of their input size; bring that onto the input grid first so the
  // content box is whole pixels.
  let map = probability;
  if (map.width !== modelWidth || map.height !== modelHeight) {
    map = resizePlane(
      map,
      modelWidth,
      modelHeight,
      resolveResizeMethod(kernel, map.width, map.height, modelWidth, modelHeight),
    );
  }
  let cropped = map;
  if (content.width !== modelWidth || content.height !== modelHeight) {
    const data = new Float32Array(content.width * content.height);
    for (let y = 0; y < content.height; y++) {
      const from = (content.y + y) * modelWidth + content.x;
      data.set(map.data.subarray(from, from + content.width), y * content.width);
    }
    cropped = { data, width: content.width, height: content.height };
  }
  if (cropped.width === imageWidth && cropped.height === imageHeight) {
    return cropped === probability ? { ...cropped, data: cropped.data.slice() } : cropped;
  }
  const method = resolveResizeMethod(kernel, cropped.width, cropped.height, imageWidth, imageHeight);
  const out = resizePlane(cropped, imageWidth, imageHeight, method);
  // Bilinear weights sum to one, but Float32 rounding can step a hair outside [0, 1].
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.min(1, Math.max(0, d[i]));
  return out;
}
