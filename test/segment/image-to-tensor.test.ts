import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { resizeInterleaved } from '../../src/core/resize-plane.ts';
import { imageToTensor } from '../../src/segment/image-to-tensor.ts';
import type { InputSpec } from '../../src/segment/model-spec.ts';

/** A w×h RGB image whose samples are all distinct and known: value(x, y, k) = (1 + x + w·y + 7k) / 64. */
function ramp(width: number, height: number): InterleavedF32 {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = (1 + x + width * y + 7 * k) / 64;
  return { data, width, height, channels: 3 };
}

function spec(patch: Partial<InputSpec>): InputSpec {
  return {
    size: { kind: 'fixed', width: 4, height: 3 },
    layout: 'NCHW',
    channelOrder: 'RGB',
    scaling: 'unit',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: 'auto',
    fit: 'squash',
    ...patch,
  };
}

/** Brute force, straight from the definitions: tensor value at (c, y, x) for an image that needs no resize. */
function expected(
  image: InterleavedF32,
  s: InputSpec,
  c: number,
  x: number,
  y: number,
  multiplier: number,
): number {
  const k = s.channelOrder === 'BGR' ? 2 - c : c;
  const p = image.data[(y * image.width + x) * 3 + k];
  return (p * multiplier - s.mean[c]) / s.std[c];
}

function at(
  tensor: { data: Float32Array; dims: readonly number[] },
  layout: 'NCHW' | 'NHWC',
  c: number,
  x: number,
  y: number,
) {
  if (layout === 'NCHW') {
    const [, , H, W] = tensor.dims;
    return tensor.data[c * H * W + y * W + x];
  }
  const [, , W] = tensor.dims;
  return tensor.data[(y * W + x) * 3 + c];
}

function assertClose(actual: number, want: number, what: string) {
  // Float32 storage of a Float64 computation: half an ulp of the value.
  assert.ok(Math.abs(actual - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);
}

describe('imageToTensor', () => {
  const image = ramp(4, 3);

  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const channelOrder of ['RGB', 'BGR'] as const) {
      test(`${layout} ${channelOrder}: every sample lands where the layout says`, () => {
        const s = spec({ layout, channelOrder });
        const { tensor } = imageToTensor(image, s);
        assert.deepEqual(tensor.dims, layout === 'NCHW' ? [1, 3, 3, 4] : [1, 3, 4, 3]);
        for (let c = 0; c < 3; c++)
          for (let y = 0; y < 3; y++)
            for (let x = 0; x < 4; x++)
              assert.equal(at(tensor, layout, c, x, y), expected(image, s, c, x, y, 1));
      });
    }
  }

  test('byte scaling with mean and std per tensor channel', () => {
    const s = spec({ scaling: 'byte', channelOrder: 'BGR', mean: [100, 110, 120], std: [50, 60, 70] });
    const { tensor } = imageToTensor(image, s);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 4; x++)
          assertClose(at(tensor, 'NCHW', c, x, y), expected(image, s, c, x, y, 255), `c${c} ${x},${y}`);
  });

  test('max scaling divides by the largest sample (rembg / U²-Net)', () => {
    const dim: InterleavedF32 = { ...image, data: image.data.map((v) => v / 2) };
    let max = 0;
    for (const v of dim.data) max = Math.max(max, v);
    const s = spec({ scaling: 'max', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    const { tensor } = imageToTensor(dim, s);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 4; x++)
          assertClose(at(tensor, 'NCHW', c, x, y), expected(dim, s, c, x, y, 1 / max), `c${c}`);
    // The brightest sample becomes exactly (1 − mean) / std.
    assertClose(Math.max(...tensor.data.subarray(32, 48)), (1 - 0.406) / 0.225, 'max of the blue plane');
  });

  test('an all-black image under max scaling stays finite', () => {
    const black: InterleavedF32 = { ...image, data: new Float32Array(image.data.length) };
    const { tensor } = imageToTensor(black, spec({ scaling: 'max' }));
    assert.ok(tensor.data.every((v) => v === 0));
  });

  test('letterbox: the image keeps its aspect, centred; padding is padValue, normalised like pixels', () => {
    // A 4×2 image into a 4×4 tensor: scale 1, rows 1–2 hold the image, rows 0 and 3 are padding.
    const wide = ramp(4, 2);
    const s = spec({
      size: { kind: 'fixed', width: 4, height: 4 },
      fit: 'letterbox',
      padValue: 0.5,
      mean: [0.1, 0.2, 0.3],
      std: [2, 2, 2],
    });
    const { tensor, transform } = imageToTensor(wide, s);
    assert.deepEqual(transform.content, { x: 0, y: 1, width: 4, height: 2 });
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < 4; x++) {
        assertClose(at(tensor, 'NCHW', c, x, 0), (0.5 - s.mean[c]) / 2, 'top padding');
        assertClose(at(tensor, 'NCHW', c, x, 3), (0.5 - s.mean[c]) / 2, 'bottom padding');
        for (let y = 0; y < 2; y++)
          assertClose(at(tensor, 'NCHW', c, x, y + 1), expected(wide, s, c, x, y, 1), 'content');
      }
  });

  test('squash resizes with area when shrinking and bilinear when growing (auto)', () => {
    const big = ramp(8, 6);
    const shrink = imageToTensor(big, spec({ size: { kind: 'fixed', width: 4, height: 3 } }));
    const area = resizeInterleaved(big, 4, 3, 'area');
    const grow = imageToTensor(image, spec({ size: { kind: 'fixed', width: 7, height: 5 } }));
    const bilinear = resizeInterleaved(image, 7, 5, 'bilinear');
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 12; i++) assert.equal(shrink.tensor.data[c * 12 + i], area.data[i * 3 + c]);
      for (let i = 0; i < 35; i++) assert.equal(grow.tensor.data[c * 35 + i], bilinear.data[i * 3 + c]);
    }
    const forced = imageToTensor(big, spec({ resize: 'bilinear' }));
    const reference = resizeInterleaved(big, 4, 3, 'bilinear');
    for (let i = 0; i < 12; i++) assert.equal(forced.tensor.data[i], reference.data[i * 3]);
  });

  test('a grey image feeds the same plane to all three channels', () => {
    const grey: InterleavedF32 = {
      data: Float32Array.from([0.1, 0.2, 0.3, 0.4]),
      width: 2,
      height: 2,
      channels: 1,
    };
    const { tensor } = imageToTensor(
      grey,
      spec({ size: { kind: 'fixed', width: 2, height: 2 }, layout: 'NHWC' }),
    );
    assert.deepEqual(
      [...tensor.data],
      [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4].map(Math.fround),
    );
  });

  test('an RGBA image is refused with a clear error', () => {
    const rgba: InterleavedF32 = { data: new Float32Array(16), width: 2, height: 2, channels: 4 };
    assert.throws(() => imageToTensor(rgba, spec({})), /RGB or grey image, got 4 channels/);
  });
});
