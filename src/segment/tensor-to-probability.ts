/**
 * Postprocessing: a model's output tensor becomes a foreground probability plane at the output's own
 * resolution — the foreground channel picked, a sigmoid applied when the spec (or the values) call for one,
 * optionally stretched to [0, 1] by min–max, and finally clamped to [0, 1].
 */
import type { PlaneF32 } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import type { OutputSpec, TensorF32, TensorLayout } from './model-spec.ts';

/** Channels, height and width of an output tensor read with the given layout (batch of one). */
export function outputShape(
  dims: readonly number[],
  layout: TensorLayout,
): { channels: number; height: number; width: number } {
  let d = dims;
  if (d.length === 4) {
    if (d[0] !== 1) throw invalid(`output has a batch of ${d[0]}; expected 1 (dims [${dims.join(', ')}])`);
    d = d.slice(1);
  }
  if (d.length === 2) return { channels: 1, height: d[0], width: d[1] };
  if (d.length !== 3)
    throw invalid(`output has ${dims.length} dimensions [${dims.join(', ')}]; expected 2, 3 or 4`);
  return layout === 'NCHW'
    ? { channels: d[0], height: d[1], width: d[2] }
    : { channels: d[2], height: d[0], width: d[1] };
}

export function tensorToProbability(output: TensorF32, spec: OutputSpec, layout: TensorLayout): PlaneF32 {
  const { channels, height, width } = outputShape(output.dims, layout);
  const plane = width * height;
  if (output.data.length !== plane * channels) {
    throw invalid(
      `output holds ${output.data.length} values but its dims [${output.dims.join(', ')}] say ${plane * channels}`,
    );
  }
  const k = spec.channel;
  if (!(Number.isInteger(k) && k >= 0 && k < channels)) {
    throw invalid(`the spec picks output channel ${k} but the output has ${channels} channel(s)`);
  }
  const src = output.data;
  const out = new Float32Array(plane);
  if (layout === 'NCHW') out.set(src.subarray(k * plane, (k + 1) * plane));
  else for (let i = 0; i < plane; i++) out[i] = src[i * channels + k];

  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < plane; i++) {
    const v = out[i];
    if (!Number.isFinite(v))
      throw invalid(`output contains ${v} at pixel ${i}; the model or its input is broken`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const sigmoid = spec.activation === 'sigmoid' || (spec.activation === 'auto' && (min < 0 || max > 1));
  if (sigmoid) {
    for (let i = 0; i < plane; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
    // The sigmoid is monotonic, so the extremes move with it.
    min = 1 / (1 + Math.exp(-min));
    max = 1 / (1 + Math.exp(-max));
  }
  // A constant map has no range to stretch; it is kept as it is rather than turned into NaN.
  if (spec.minMax && max > min) {
    const scale = 1 / (max - min);
    for (let i = 0; i < plane; i++) out[i] = (out[i] - min) * scale;
  }
  for (let i = 0; i < plane; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return { data: out, width, height };
}

function invalid(message: string): CutoutError {
  return new CutoutError('CUTOUT_E_MODEL_INVALID', message);
}
