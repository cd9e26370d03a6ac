/**
 * `segment(image, { model })`: the coarse foreground probability of an image from a segmentation network.
 *
 * The model is resolved (registry entry + verified file, or the user's own file and spec), its session is
 * loaded once and reused, the image is preprocessed by the spec, the network runs, and the output becomes a
 * Float32 probability map at the model's resolution. `toImage()` maps that map back onto the image's pixels.
 */

import * as ort from 'onnxruntime-node';
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { type ModelRequest, resolveModel } from '../models/resolve-model.ts';
import { imageToTensor } from '../segment/image-to-tensor.ts';
import type { ModelSpec, ModelTransform, ResizeKernel, TensorF32 } from '../segment/model-spec.ts';
import { probabilityToImage } from '../segment/probability-to-image.ts';
import { tensorToProbability } from '../segment/tensor-to-probability.ts';
import { checkModelSignature, type ModelSignature } from './check-model-signature.ts';
import { type Device, type LoadedSession, loadSession, type SessionOptions } from './onnx-session.ts';

export interface SegmentOptions extends ModelRequest, SessionOptions {}

export interface SegmentTimings {
  /** Finding, verifying (and when needed downloading) the model file. */
  resolveMs: number;
  /** Creating the session; near 0 when it was cached. */
  loadMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

export interface SegmentResult {
  /** Foreground probability in [0, 1] at the model's output resolution. */
  probability: PlaneF32;
  /** How the image was placed in the model's input; `toImage` uses it to map back. */
  transform: ModelTransform;
  /** The probability cropped of any letterbox padding and resized to the image's width and height. */
  toImage(kernel?: ResizeKernel): PlaneF32;
  /** The model's id (registry id, or the custom spec's). */
  model: string;
  /** The device that ran the model. */
  device: Device;
  timings: SegmentTimings;
}

export async function segment(image: InterleavedF32, options: SegmentOptions = {}): Promise<SegmentResult> {
  const t0 = performance.now();
  const resolved = await resolveModel(options);
  const t1 = performance.now();
  const loaded = await loadSession(resolved.path, options);
  const t2 = performance.now();
  const { tensor, transform } = imageToTensor(image, resolved.spec.input);
  const t3 = performance.now();
  const output = await runModel(loaded, resolved.spec, tensor);
  const t4 = performance.now();
  const layout = resolved.spec.output.layout ?? resolved.spec.input.layout;
  const probability = tensorToProbability(output, resolved.spec.output, layout);
  const t5 = performance.now();
  return {
    probability,
    transform,
    toImage: (kernel?: ResizeKernel) => probabilityToImage(probability, transform, kernel),
    model: resolved.id,
    device: loaded.device,
    timings: {
      resolveMs: t1 - t0,
      loadMs: t2 - t1,
      preprocessMs: t3 - t2,
      inferenceMs: t4 - t3,
      postprocessMs: t5 - t4,
    },
  };
}

/** Runs one tensor through a loaded model after checking names and shapes against the spec. */
export async function runModel(loaded: LoadedSession, spec: ModelSpec, input: TensorF32): Promise<TensorF32> {
  const { session, path } = loaded;
  const names = checkModelSignature(signatureOf(session), spec, input.dims, path);
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await session.run({ [names.input]: new ort.Tensor('float32', input.data, input.dims) }, [
      names.output,
    ]);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new CutoutError('CUTOUT_E_MODEL_INVALID', `model '${spec.id}' failed to run: ${message}`, {
      file: path,
      cause: error,
    });
  }
  const value = results[names.output];
  if (value.type !== 'float32') {
    throw new CutoutError(
      'CUTOUT_E_MODEL_INVALID',
      `model '${spec.id}' output '${names.output}' is ${value.type}; cutout reads float32`,
      {
        file: path,
      },
    );
  }
  return { data: value.data as Float32Array, dims: value.dims };
}

function signatureOf(session: ort.InferenceSession): ModelSignature {
  const describe = (metadata: readonly ort.InferenceSession.ValueMetadata[]) =>
    metadata.map((m) =>
      m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor' },
    );
  return { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
}
