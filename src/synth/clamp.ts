/** Small numeric helpers shared by the generator's files. */

export function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = clamp01((x - edge0) / (edge1 - edge0));
  return t * t * (3 - 2 * t);
}
