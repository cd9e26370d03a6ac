/**
 * Where an image pixel falls on the working grid (box-downsample.ts): pixel i of the image lies at working
 * position (i + 0.5)/factor − 0.5. For bilinear sampling, per image index: the working index to its left
 * (or above) and the weight of the next one, clamped at the edges.
 */

export interface SampleAxis {
  index: Int32Array;
  frac: Float32Array;
}

export function sampleAxis(size: number, factor: number): SampleAxis {
  const srcSize = Math.ceil(size / factor);
  const index = new Int32Array(size);
  const frac = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const pos = Math.min(Math.max((i + 0.5) / factor - 0.5, 0), srcSize - 1);
    const i0 = Math.floor(pos);
    index[i] = i0;
    frac[i] = pos - i0;
  }
  return { index, frac };
}
