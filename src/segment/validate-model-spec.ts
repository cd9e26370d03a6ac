/**
 * Turns a user's model description (parsed JSON) into a checked ModelSpec, filling documented defaults and
 * naming the exact field when something is wrong. The registry's entries go through the same check in tests.
 *
 * Accepted input sizes: `[width, height]`, `{ "width": w, "height": h }` or `{ "shortEdge": s, "multiple": m }`.
 */
import { CutoutError } from '../errors.ts';
import {
  ACTIVATIONS,
  CHANNEL_ORDERS,
  FIT_MODES,
  type InputSize,
  type ModelSpec,
  PIXEL_SCALINGS,
  RESIZE_KERNELS,
  TENSOR_LAYOUTS,
} from './model-spec.ts';

type Json = Record<string, unknown>;

export function validateModelSpec(
  value: unknown,
  options: { source?: string; defaultId?: string } = {},
): ModelSpec {
  const fail = (field: string, message: string): never => {
    throw new CutoutError('CUTOUT_E_MODEL_INVALID', `model spec ${field}: ${message}`, {
      file: options.source,
    });
  };
  const object = (v: unknown, field: string): Json =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : fail(field, 'must be an object');
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T, field: string): T => {
    if (v === undefined) return fallback;
    return (allowed as readonly unknown[]).includes(v)
      ? (v as T)
      : fail(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  };
  const positiveInteger = (v: unknown, field: string): number =>
    Number.isInteger(v) && (v as number) > 0
      ? (v as number)
      : fail(field, `expected a positive integer, got ${JSON.stringify(v)}`);
  const triple = (
    v: unknown,
    fallback: number,
    field: string,
    nonZero: boolean,
  ): [number, number, number] => {
    if (v === undefined) return [fallback, fallback, fallback];
    const list = typeof v === 'number' ? [v, v, v] : v;
    if (
      !Array.isArray(list) ||
      list.length !== 3 ||
      !list.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      return fail(field, `expected three finite numbers, got ${JSON.stringify(v)}`);
    }
    if (nonZero && list.some((x) => x === 0)) fail(field, 'must not contain 0 (it divides)');
    return [list[0], list[1], list[2]];
  };
  const optionalName = (v: unknown, field: string): string | undefined =>
    v === undefined
      ? undefined
      : typeof v === 'string' && v.length > 0
        ? v
        : fail(field, 'expected a non-empty string');

  const known = (o: Json, keys: readonly string[], field: string) => {
    // A misspelt key would otherwise silently fall back to a default.
    for (const key of Object.keys(o))
      if (!keys.includes(key)) fail(`${field}${key}`, `unknown field (expected one of ${keys.join(', ')})`);
  };
  const root = object(value, '(root)');
  known(root, ['id', 'input', 'output', 'description'], '');
  const id = root.id ?? options.defaultId;
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]+$/.test(id)) {
    fail('id', `expected a name made of letters, digits, '.', '_' or '-', got ${JSON.stringify(id)}`);
  }
  const input = object(root.input, 'input');
  const output = object(root.output ?? {}, 'output');
  known(
    input,
    ['name', 'size', 'layout', 'channelOrder', 'scaling', 'mean', 'std', 'resize', 'fit', 'padValue'],
    'input.',
  );
  known(output, ['name', 'index', 'layout', 'channel', 'activation', 'minMax'], 'output.');

  let size: InputSize;
  const rawSize = input.size;
  if (Array.isArray(rawSize) && rawSize.length === 2) {
    size = {
      kind: 'fixed',
      width: positiveInteger(rawSize[0], 'input.size[0]'),
      height: positiveInteger(rawSize[1], 'input.size[1]'),
    };
  } else if (rawSize && typeof rawSize === 'object' && 'shortEdge' in rawSize) {
    const s = rawSize as Json;
    size = {
      kind: 'dynamic',
      shortEdge: positiveInteger(s.shortEdge, 'input.size.shortEdge'),
      multiple: positiveInteger(s.multiple ?? 1, 'input.size.multiple'),
    };
  } else if (rawSize && typeof rawSize === 'object' && 'width' in rawSize) {
    const s = rawSize as Json;
    size = {
      kind: 'fixed',
      width: positiveInteger(s.width, 'input.size.width'),
      height: positiveInteger(s.height, 'input.size.height'),
    };
  } else {
    return fail('input.size', 'expected [width, height], {"width", "height"} or {"shortEdge", "multiple"}');
  }
  const padValue = input.padValue;
  if (padValue !== undefined && !(typeof padValue === 'number' && padValue >= 0 && padValue <= 1)) {
    fail('input.padValue', `expected a number in [0, 1], got ${JSON.stringify(padValue)}`);
  }
  const index = output.index;
  if (index !== undefined && !(Number.isInteger(index) && (index as number) >= 0)) {
    fail('output.index', `expected an integer ≥ 0, got ${JSON.stringify(index)}`);
  }
  const channel = output.channel ?? 0;
  if (!(Number.isInteger(channel) && (channel as number) >= 0)) {
    fail('output.channel', `expected an integer ≥ 0, got ${JSON.stringify(channel)}`);
  }
  const minMax = output.minMax ?? false;
  if (typeof minMax !== 'boolean')
    fail('output.minMax', `expected true or false, got ${JSON.stringify(minMax)}`);

  return {
    id: id as string,
    input: {
      ...named(optionalName(input.name, 'input.name')),
      size,
      layout: oneOf(input.layout, TENSOR_LAYOUTS, 'NCHW', 'input.layout'),
      channelOrder: oneOf(input.channelOrder, CHANNEL_ORDERS, 'RGB', 'input.channelOrder'),
      scaling: oneOf(input.scaling, PIXEL_SCALINGS, 'unit', 'input.scaling'),
      mean: triple(input.mean, 0, 'input.mean', false),
      std: triple(input.std, 1, 'input.std', true),
      resize: oneOf(input.resize, RESIZE_KERNELS, 'auto', 'input.resize'),
      fit: oneOf(input.fit, FIT_MODES, 'squash', 'input.fit'),
      ...(padValue === undefined ? {} : { padValue: padValue as number }),
    },
    output: {
      ...named(optionalName(output.name, 'output.name')),
      ...(index === undefined ? {} : { index: index as number }),
      ...(output.layout === undefined
        ? {}
        : { layout: oneOf(output.layout, TENSOR_LAYOUTS, 'NCHW', 'output.layout') }),
      channel: channel as number,
      activation: oneOf(output.activation, ACTIVATIONS, 'auto', 'output.activation'),
      minMax: minMax as boolean,
    },
  };
}

function named(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}
