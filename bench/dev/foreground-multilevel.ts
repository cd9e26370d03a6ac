/**
 * Dev benchmark: multi-level foreground estimation speed, in seconds per megapixel.
 *
 *   node --import tsx/esm bench/dev/foreground-multilevel.ts [megapixels …]   (default 1 4 12)
 *
 * Uses a synthetic image (smooth colours) and a soft disc as alpha; the run time does not depend on the
 * content (every level is swept in full). One warm-up run at 1 MP first.
 */

import { estimateForeground } from '../../src/foreground/estimate-foreground-multilevel.ts';

function scene(megapixels: number) {
  const width = Math.round(Math.sqrt(megapixels * 1e6 * (4 / 3)));
  const height = Math.round((megapixels * 1e6) / width);
  const data = new Float32Array(width * height * 3);
  const alpha = new Float32Array(width * height);
  const r = Math.min(width, height) * 0.35;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      data[3 * p] = x / width;
      data[3 * p + 1] = y / height;
      data[3 * p + 2] = 0.5;
      const d = Math.hypot(x - width / 2, y - height / 2) - r;
      alpha[p] = Math.min(1, Math.max(0, 0.5 - d / 20));
    }
  }
  return { image: { data, width, height, channels: 3 }, alpha: { data: alpha, width, height } };
}

const sizes = process.argv.slice(2).map(Number);
const warm = scene(1);
estimateForeground(warm.image, warm.alpha);
for (const mp of sizes.length > 0 ? sizes : [1, 4, 12]) {
  const { image, alpha } = scene(mp);
  const t0 = performance.now();
  estimateForeground(image, alpha);
  const seconds = (performance.now() - t0) / 1000;
  const actual = (image.width * image.height) / 1e6;
  console.log(
    `${image.width}×${image.height} (${actual.toFixed(2)} MP): ${seconds.toFixed(3)} s, ${(seconds / actual).toFixed(3)} s/MP`,
  );
}
