/**
 * Tiny ONNX graphs built by the tests themselves (with onnx-proto), each computing a known function, so the
 * model path can be checked exactly without any trained weights.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type Dim = number | string;

export interface TinyNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: { name: string; i?: number; f?: number; ints?: number[] }[];
}

export interface TinyGraph {
  inputs: { name: string; dims: Dim[] }[];
  outputs: { name: string; dims: Dim[] }[];
  nodes: TinyNode[];
  /** Float constants. */
  initializers?: { name: string; dims: number[]; values: number[] }[];
  opset?: number;
}

function valueInfo(name: string, dims: Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

export function buildModel(graph: TinyGraph): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'cutout-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: graph.opset ?? 13 })],
    graph: onnx.GraphProto.create({
      name: 'tiny',
      input: graph.inputs.map((v) => valueInfo(v.name, v.dims)),
      output: graph.outputs.map((v) => valueInfo(v.name, v.dims)),
      initializer: (graph.initializers ?? []).map((t) =>
        onnx.TensorProto.create({
          name: t.name,
          dims: t.dims,
          dataType: onnx.TensorProto.DataType.FLOAT,
          floatData: t.values,
        }),
      ),
      node: graph.nodes.map((n, i) =>
        onnx.NodeProto.create({
          name: `n${i}`,
          opType: n.op,
          input: n.inputs,
          output: n.outputs,
          attribute: (n.attributes ?? []).map((a) =>
            onnx.AttributeProto.create({
              name: a.name,
              ...(a.ints !== undefined
                ? { ints: a.ints, type: onnx.AttributeProto.AttributeType.INTS }
                : a.f !== undefined
                  ? { f: a.f, type: onnx.AttributeProto.AttributeType.FLOAT }
                  : { i: a.i, type: onnx.AttributeProto.AttributeType.INT }),
            }),
          ),
        }),
      ),
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

let scratch: Promise<string> | undefined;

/** Writes the graph to a fresh file in a per-process temporary folder and returns its path. */
export async function writeModel(name: string, graph: TinyGraph): Promise<string> {
  if (!scratch) {
    scratch = mkdtemp(join(tmpdir(), 'cutout-onnx-'));
    const folder = await scratch;
    // Test files run in their own processes; the folder goes when the process does.
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  const path = join(await scratch, `${name}.onnx`);
  await writeFile(path, buildModel(graph));
  return path;
}

/** y = x, with the given input/output names and shape. */
export function identity(dims: Dim[], names: { input?: string; output?: string } = {}): TinyGraph {
  const input = names.input ?? 'x';
  const output = names.output ?? 'y';
  return {
    inputs: [{ name: input, dims }],
    outputs: [{ name: output, dims }],
    nodes: [{ op: 'Identity', inputs: [input], outputs: [output] }],
  };
}

/** y = a·x + b elementwise (logits when the result leaves [0, 1]). */
export function affine(dims: Dim[], a: number, b: number): TinyGraph {
  return {
    inputs: [{ name: 'x', dims }],
    outputs: [{ name: 'y', dims }],
    initializers: [
      { name: 'a', dims: [], values: [a] },
      { name: 'b', dims: [], values: [b] },
    ],
    nodes: [
      { op: 'Mul', inputs: ['x', 'a'], outputs: ['ax'] },
      { op: 'Add', inputs: ['ax', 'b'], outputs: ['y'] },
    ],
  };
}

/** 2×2 average pooling, stride 2, NCHW: an output at half the input's resolution. */
export function halfResolution(channels: number, height: number, width: number): TinyGraph {
  return {
    inputs: [{ name: 'x', dims: [1, channels, height, width] }],
    outputs: [{ name: 'y', dims: [1, channels, height / 2, width / 2] }],
    nodes: [
      {
        op: 'AveragePool',
        inputs: ['x'],
        outputs: ['y'],
        attributes: [
          { name: 'kernel_shape', ints: [2, 2] },
          { name: 'strides', ints: [2, 2] },
        ],
      },
    ],
  };
}
