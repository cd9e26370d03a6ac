import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { buildClosedFormSystem } from '../../src/matting/closed-form-laplacian.ts';
import { csrToDense } from '../../src/matting/sparse.ts';
import { orderUnknownPixels } from '../../src/matting/unknown-ordering.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomImage(width: number, height: number, seed: number): InterleavedF32 {
  const rand = random(seed);
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(rand() * 255) / 255;
  return { data, width, height, channels: 3 };
}

/** Inverse of a 3×3 matrix by Gauss–Jordan elimination (independent of the implementation's adjugate). */
function invert3(m: number[][]): number[][] {
  const a = m.map((row, i) => [...row, ...[0, 1, 2].map((j) => (i === j ? 1 : 0))]);
  for (let k = 0; k < 3; k++) {
    let p = k;
    for (let i = k + 1; i < 3; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    const pivot = a[k][k];
    for (let j = 0; j < 6; j++) a[k][j] /= pivot;
    for (let i = 0; i < 3; i++) {
      if (i === k) continue;
      const f = a[i][k];
      for (let j = 0; j < 6; j++) a[i][j] -= f * a[k][j];
    }
  }
  return a.map((row) => row.slice(3));
}

/**
 * The full matting Laplacian straight from Levin et al.'s definition: for every 3×3 window lying inside
 * the image, L_ij += δ_ij − (1 + (I_i − μ)ᵀ(Σ + ε/9·I)⁻¹(I_j − μ)) / 9.
 */
function bruteForceLaplacian(image: InterleavedF32, epsilon: number): Float64Array {
  const { width, height, data } = image;
  const n = width * height;
  const l = new Float64Array(n * n);
  for (let cy = 1; cy < height - 1; cy++) {
    for (let cx = 1; cx < width - 1; cx++) {
      const idx: number[] = [];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) idx.push((cy + dy) * width + cx + dx);
      const colours = idx.map((p) => [data[3 * p], data[3 * p + 1], data[3 * p + 2]]);
      const mean = [0, 1, 2].map((c) => colours.reduce((s, v) => s + v[c], 0) / 9);
      const cov = [0, 1, 2].map((a) =>
        [0, 1, 2].map(
          (b) =>
            colours.reduce((s, v) => s + (v[a] - mean[a]) * (v[b] - mean[b]), 0) / 9 +
            (a === b ? epsilon / 9 : 0),
        ),
      );
      const inv = invert3(cov);
      for (let i = 0; i < 9; i++) {
        for (let j = 0; j < 9; j++) {
          let q = 0;
          for (let a = 0; a < 3; a++) {
            for (let b = 0; b < 3; b++)
              q += (colours[i][a] - mean[a]) * inv[a][b] * (colours[j][b] - mean[b]);
          }
          l[idx[i] * n + idx[j]] += (i === j ? 1 : 0) - (1 + q) / 9;
        }
      }
    }
  }
  return l;
}

/** Relative to the largest entry, as the matrix is stored in Float32. */
function assertClose(actual: number, expected: number, scale: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 2e-6 * scale, `${what}: ${actual} vs ${expected}`);
}

test('all pixels unknown: the system matrix is the full Laplacian, exactly symmetric, rows summing to 0', () => {
  const image = randomImage(7, 6, 1);
  const n = 42;
  const trimap: Trimap = { data: new Uint8Array(n).fill(128), width: 7, height: 6 };
  for (const epsilon of [1e-7, 1e-2]) {
    const { matrix, rhs, pixels } = buildClosedFormSystem(image, trimap, { epsilon, order: 'scan' });
    assert.deepEqual([...pixels], [...Array(n).keys()]);
    assert.ok(rhs.every((v) => v === 0));
    const dense = csrToDense(matrix);
    const reference = bruteForceLaplacian(image, epsilon);
    const scale = Math.max(...reference.map(Math.abs));
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < n; j++) {
        assertClose(dense[i * n + j], reference[i * n + j], scale, `L[${i}][${j}] (ε ${epsilon})`);
        assert.equal(dense[i * n + j], dense[j * n + i], `symmetry at ${i}, ${j}`);
        rowSum += dense[i * n + j];
      }
      assert.ok(Math.abs(rowSum) < 1e-5 * scale, `row ${i} sums to ${rowSum}`);
    }
  }
});

test('known pixels move to the right-hand side: L_uu α_u = −L_uk α_k, in scan and RCM order', () => {
  const width = 8;
  const height = 7;
  const image = randomImage(width, height, 2);
  const n = width * height;
  // Background on the left, foreground on the right, an unknown band in between (and one stray unknown).
  const tri = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) tri[y * width + x] = x < 3 ? 0 : x > 5 ? 255 : 100;
  }
  tri[width + 1] = 1;
  const trimap: Trimap = { data: tri, width, height };
  const reference = bruteForceLaplacian(image, 1e-7);
  const scale = Math.max(...reference.map(Math.abs));
  const unknown = [...Array(n).keys()].filter((p) => tri[p] > 0 && tri[p] < 255);

  for (const order of ['scan', 'rcm'] as const) {
    const { matrix, rhs, pixels } = buildClosedFormSystem(image, trimap, { order });
    assert.deepEqual(
      [...pixels].sort((a, b) => a - b),
      unknown,
    );
    const dense = csrToDense(matrix);
    const m = matrix.n;
    for (let u = 0; u < m; u++) {
      for (let v = 0; v < m; v++) {
        assertClose(
          dense[u * m + v],
          reference[pixels[u] * n + pixels[v]],
          scale,
          `L_uu[${u}][${v}] (${order})`,
        );
      }
      let expected = 0;
      for (let p = 0; p < n; p++) if (tri[p] === 255) expected -= reference[pixels[u] * n + p];
      assertClose(rhs[u], expected, scale, `rhs[${u}] (${order})`);
    }
  }
});

test('the RCM ordering numbers every unknown pixel once and keeps neighbours close', () => {
  const width = 60;
  const height = 40;
  const unknown = new Uint8Array(width * height);
  // A ring-shaped band of width 4 around a disc, plus an isolated blob.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - 25, y - 20);
      if ((d > 12 && d < 16) || Math.hypot(x - 54, y - 6) < 3) unknown[y * width + x] = 1;
    }
  }
  const order = orderUnknownPixels(unknown, width, height);
  const expected = [...unknown.keys()].filter((p) => unknown[p]);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    expected,
  );
  // Bandwidth: how far apart in the numbering two horizontally or vertically adjacent unknowns are.
  const rank = new Int32Array(width * height).fill(-1);
  order.forEach((p, i) => {
    rank[p] = i;
  });
  let bandwidth = 0;
  let scanBandwidth = 0;
  for (const p of expected) {
    for (const q of [p + 1, p + width]) {
      if (q < width * height && unknown[q] && (q !== p + 1 || q % width !== 0)) {
        bandwidth = Math.max(bandwidth, Math.abs(rank[p] - rank[q]));
        scanBandwidth = Math.max(scanBandwidth, Math.abs(expected.indexOf(p) - expected.indexOf(q)));
      }
    }
  }
  // Measured: 15 for RCM against 26 for scan order (the band is 3–4 pixels wide, and breadth-first
  // levels cut across it on both sides of the ring).
  assert.ok(bandwidth <= 18, `RCM bandwidth ${bandwidth}`);
  assert.ok(bandwidth < scanBandwidth, `RCM ${bandwidth} vs scan ${scanBandwidth}`);
});

test('bad input is refused', () => {
  const image = randomImage(4, 4, 3);
  assert.throws(
    () => buildClosedFormSystem(image, { data: new Uint8Array(12), width: 4, height: 3 }),
    /trimap is 4×3, image is 4×4/,
  );
  assert.throws(
    () =>
      buildClosedFormSystem(
        { data: new Float32Array(16), width: 4, height: 4, channels: 1 },
        { data: new Uint8Array(16), width: 4, height: 4 },
      ),
    /RGB/,
  );
});
