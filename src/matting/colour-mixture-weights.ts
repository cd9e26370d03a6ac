/**
 * Colour-mixture weights: the locally linear embedding (LLE) weights of Roweis & Saul (2000) with which
 * information-flow matting (Aksoy, Aydın & Pollefeys 2017) writes a pixel's colour as a mixture of its
 * neighbours' colours,
 *
 *   w = argmin ‖c_p − Σ_k w_k c_k‖² + ε‖w‖²   subject to   Σ_k w_k = 1.
 *
 * With z_k = c_k − c_p (Z the K×3 matrix of them) and Σ w = 1 the residual is Zᵀw, so w ∝ C⁻¹1 with the
 * K×K Gram matrix C = ZZᵀ + εI. With K = 20 neighbours and 3 colour channels, C is a rank-3 update of εI,
 * and the Woodbury identity turns its solve into a 3×3 one:
 *
 *   C⁻¹1 = (1 − Z (ZᵀZ + εI₃)⁻¹ Zᵀ1) / ε,
 *
 * so a pixel costs O(K) instead of a K×K Cholesky factorisation. The scale 1/ε cancels when the weights
 * are normalised to sum to 1.
 *
 * ε keeps the weights finite where the neighbours' colours do not span three dimensions (flat regions,
 * where all K colours may be equal): the weights then tend to the uniform 1/K. Where they do span them
 * and ε is small, the weights reproduce c_p exactly (whenever c_p lies in their affine hull) with the
 * smallest ‖w‖. Weights may be negative, as in LLE.
 */

/**
 * Writes into `weights[0 … count)` the mixture weights of the pixel whose colour starts at
 * colours[query] for its neighbours whose colours start at colours[neighbours[k]] (offsets into an
 * interleaved RGB array, not pixel indices). Returns the sum before normalisation times ε, i.e.
 * 1ᵀ(1 − Z(ZᵀZ + εI)⁻¹Zᵀ1)/K: near 0 when the pixel's colour lies far outside what its neighbours can
 * mix, near 1 when it is well inside (or the neighbours are all alike).
 */
export function colourMixtureWeights(
  colours: ArrayLike<number>,
  query: number,
  neighbours: ArrayLike<number>,
  count: number,
  regularisation: number,
  weights: Float64Array,
): number {
  const r0 = colours[query];
  const g0 = colours[query + 1];
  const b0 = colours[query + 2];
  // G = ZᵀZ + εI (symmetric 3×3) and v = Zᵀ1.
  let g00 = regularisation;
  let g01 = 0;
  let g02 = 0;
  let g11 = regularisation;
  let g12 = 0;
  let g22 = regularisation;
  let v0 = 0;
  let v1 = 0;
  let v2 = 0;
  for (let k = 0; k < count; k++) {
    const o = neighbours[k];
    const zr = colours[o] - r0;
    const zg = colours[o + 1] - g0;
    const zb = colours[o + 2] - b0;
    g00 += zr * zr;
    g01 += zr * zg;
    g02 += zr * zb;
    g11 += zg * zg;
    g12 += zg * zb;
    g22 += zb * zb;
    v0 += zr;
    v1 += zg;
    v2 += zb;
  }
  // u = G⁻¹v by the adjugate.
  const i00 = g11 * g22 - g12 * g12;
  const i01 = g02 * g12 - g01 * g22;
  const i02 = g01 * g12 - g02 * g11;
  const i11 = g00 * g22 - g02 * g02;
  const i12 = g01 * g02 - g00 * g12;
  const i22 = g00 * g11 - g01 * g01;
  const det = g00 * i00 + g01 * i01 + g02 * i02;
  let u0 = 0;
  let u1 = 0;
  let u2 = 0;
  if (det > 0) {
    u0 = (i00 * v0 + i01 * v1 + i02 * v2) / det;
    u1 = (i01 * v0 + i11 * v1 + i12 * v2) / det;
    u2 = (i02 * v0 + i12 * v1 + i22 * v2) / det;
  }
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const o = neighbours[k];
    const w = 1 - ((colours[o] - r0) * u0 + (colours[o + 1] - g0) * u1 + (colours[o + 2] - b0) * u2);
    weights[k] = w;
    sum += w;
  }
  if (!(sum > 0)) {
    // Only rounding can get here (the exact sum is positive): fall back to the plain mean.
    for (let k = 0; k < count; k++) weights[k] = 1 / count;
    return 0;
  }
  for (let k = 0; k < count; k++) weights[k] /= sum;
  return sum / count;
}
