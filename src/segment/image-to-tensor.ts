/**
 * Preprocessing: an RGB image in [0, 1] becomes a model's input tensor, exactly as its spec says —
 * resized (squashed or letterboxed), channels reordered, scaled, mean subtracted, divided by std, and laid
 * out as NCHW or NHWC with a batch of one.
 */
import type { InterleavedF32 } from '../core/image.ts';
import { resizeInterleaved } from '../core/resize-plane.ts';
import { CutoutError } from '../errors.ts';
import { computeModelTransform, resolveResizeMethod } from './fit-geometry.ts';
import type { InputSpec, ModelTransform, TensorF32 } from './model-spec.ts';

export interface PreparedInput {
  tensor: TensorF32;
  transform: ModelTransform;
}

export function imageToTensor(image: InterleavedF32, input: InputSpec): PreparedInput {
  if (image.channels !== 3 && image.channels !== 1) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `segmentation needs an RGB or grey image, got ${image.channels} channels`,
    );
  }
  const transform = computeModelTransform(image.width, image.height, input);
  const { modelWidth: W, modelHeight: H, content } = transform;
  const method = resolveResizeMethod(input.resize, image.width, image.height, content.width, content.height);
  const resized =
    content.width === image.width && content.height === image.height
      ? image
      : resizeInterleaved(image, content.width, content.height, method);
  const src = resized.data;
  const sc = resized.channels;

  // Each tensor value is p · gain[c] + offset[c]: the scaling folded into the mean/std affine map.
  let multiplier = 1;
  if (input.scaling === 'byte') multiplier = 255;
  else if (input.scaling === 'max') {
    let max = 0;
    for (let i = 0; i < src.length; i++) if (src[i] > max) max = src[i];
    // rembg floors the maximum the same way, so an all-black image does not divide by zero.
    multiplier = 1 / Math.max(max, 1e-6 / 255);
  }
  const gain = new Float64Array(3);
  const offset = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    gain[c] = multiplier / input.std[c];
    offset[c] = -input.mean[c] / input.std[c];
  }
  // Tensor channel c reads this image channel.
  const bgr = input.channelOrder === 'BGR';
  const from = sc === 1 ? [0, 0, 0] : bgr ? [2, 1, 0] : [0, 1, 2];
  const pad = input.padValue ?? 0;

  const plane = W * H;
  const data = new Float32Array(plane * 3);
  const nchw = input.layout === 'NCHW';
  const x0 = content.x;
  const y0 = content.y;
  const x1 = x0 + content.width;
  const y1 = y0 + content.height;
  for (let y = 0; y < H; y++) {
    const inside = y >= y0 && y < y1;
    const srcRow = (y - y0) * content.width;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const s = inside && x >= x0 && x < x1 ? (srcRow + x - x0) * sc : -1;
      for (let c = 0; c < 3; c++) {
        const p = s < 0 ? pad : src[s + from[c]];
        data[nchw ? c * plane + i : i * 3 + c] = p * gain[c] + offset[c];
      }
    }
  }
  const dims = nchw ? [1, 3, H, W] : [1, H, W, 3];
  return { tensor: { data, dims }, transform };
}
