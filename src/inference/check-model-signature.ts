/**
 * Checks a loaded model against its spec before running it, so a wrong spec or a wrong file is reported as
 * such ("expects [1,3,1024,1024], the spec gives [1,3,320,320]") instead of as an obscure runtime failure.
 * Works on plain metadata, so it is tested without building models.
 */
import { CutoutError } from '../errors.ts';
import type { ModelSpec } from '../segment/model-spec.ts';

export interface TensorInfo {
  name: string;
  /** 'float32', …; undefined when unknown. */
  type?: string;
  /** Numbers for fixed dimensions, strings (or ≤ 0) for symbolic ones; undefined or empty when unknown. */
  shape?: readonly (number | string)[];
}

export interface ModelSignature {
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

export interface BoundNames {
  input: string;
  output: string;
}

/** Picks the input and output the spec names (or defaults to) and checks the tensor we will feed fits. */
export function checkModelSignature(
  signature: ModelSignature,
  spec: ModelSpec,
  inputDims: readonly number[],
  file?: string,
): BoundNames {
  const fail = (message: string): never => {
    throw new CutoutError('CUTOUT_E_MODEL_INVALID', `model '${spec.id}': ${message}`, { file });
  };
  const names = (list: readonly TensorInfo[]) => list.map((t) => `'${t.name}'`).join(', ') || '(none)';

  let input: TensorInfo | undefined;
  if (spec.input.name !== undefined) {
    input = signature.inputs.find((t) => t.name === spec.input.name);
    if (!input) fail(`has no input named '${spec.input.name}'; its inputs are ${names(signature.inputs)}`);
  } else {
    if (signature.inputs.length !== 1) {
      fail(
        `has ${signature.inputs.length} inputs (${names(signature.inputs)}); name the image input in the spec`,
      );
    }
    input = signature.inputs[0];
  }
  const inputInfo = input as TensorInfo;
  if (inputInfo.type !== undefined && inputInfo.type !== 'float32') {
    fail(`input '${inputInfo.name}' is ${inputInfo.type}; cutout feeds float32`);
  }
  const shape = inputInfo.shape ?? [];
  if (shape.length > 0) {
    const fixed = (d: number | string) => typeof d === 'number' && d > 0;
    const mismatch =
      shape.length !== inputDims.length || shape.some((d, i) => fixed(d) && d !== inputDims[i]);
    if (mismatch) {
      const { layout, size } = spec.input;
      const said = size.kind === 'fixed' ? `${size.width}×${size.height}` : `short edge ${size.shortEdge}`;
      let hint = '';
      if (shape.length === 4) {
        const channelsLast = shape[3] === 3 && shape[1] !== 3;
        const channelsFirst = shape[1] === 3 && shape[3] !== 3;
        if (layout === 'NCHW' && channelsLast) hint = '; the model looks NHWC (channels last)';
        if (layout === 'NHWC' && channelsFirst) hint = '; the model looks NCHW (channels first)';
        const [h, w] = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
        if (!hint && fixed(h) && fixed(w)) hint = `; set the spec's input size to ${w}×${h}`;
      }
      fail(
        `input '${inputInfo.name}' has shape [${shape.join(', ')}] but the spec (${layout}, ${said}) gives ` +
          `[${inputDims.join(', ')}]${hint}`,
      );
    }
  }

  let output: TensorInfo | undefined;
  if (spec.output.name !== undefined) {
    output = signature.outputs.find((t) => t.name === spec.output.name);
    if (!output)
      fail(`has no output named '${spec.output.name}'; its outputs are ${names(signature.outputs)}`);
  } else {
    const index = spec.output.index ?? 0;
    output = signature.outputs[index];
    if (!output)
      fail(
        `has ${signature.outputs.length} output(s) (${names(signature.outputs)}); the spec asks for index ${index}`,
      );
  }
  const outputInfo = output as TensorInfo;
  if (outputInfo.type !== undefined && outputInfo.type !== 'float32') {
    fail(`output '${outputInfo.name}' is ${outputInfo.type}; cutout reads float32`);
  }
  return { input: inputInfo.name, output: outputInfo.name };
}
