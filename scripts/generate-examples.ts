/**
 * Writes the project's own sample images (committed; rerun with `npm run examples`):
 *   examples/<name>.png          a generated photo I = αF + (1−α)B
 *   examples/truth/<name>.png    its exact alpha matte (8-bit grey)
 *   examples/trimaps/<name>.png  a benchmark-style trimap (0 / 128 / 255) made from that alpha
 * The generator is seeded, so the files are the same on every machine.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { planeU8ToF32 } from '../src/core/convert-depth.ts';
import { encodeImage, writeFileAtomic } from '../src/io/index.ts';
import type { SubjectKind } from '../src/synth/index.ts';
import { type BackgroundKind, generateScene } from '../src/synth/index.ts';
import { trimapFromAlpha } from '../src/trimap/trimap-from-alpha.ts';

const EXAMPLES: { name: string; subject: SubjectKind; background: BackgroundKind; seed: number }[] = [
  { name: 'hair-on-gradient', subject: 'hair', background: 'gradient', seed: 7 },
  { name: 'glass-on-texture', subject: 'glass', background: 'texture', seed: 3 },
  { name: 'product-with-shadow', subject: 'shapes', background: 'shadow', seed: 11 },
  { name: 'motion-on-busy', subject: 'motion-blur', background: 'busy', seed: 5 },
];
const WIDTH = 800;
const HEIGHT = 600;
const TRIMAP_RADIUS = 6;

const root = join(import.meta.dirname, '..', 'examples');
for (const folder of ['truth', 'trimaps']) await mkdir(join(root, folder), { recursive: true });
for (const { name, subject, background, seed } of EXAMPLES) {
  const scene = generateScene({ width: WIDTH, height: HEIGHT, seed, subject, background });
  const trimap = trimapFromAlpha(scene.alpha, TRIMAP_RADIUS);
  const write = async (path: string, bytes: Uint8Array) =>
    writeFileAtomic(join(root, path), bytes, { overwrite: true });
  await write(`${name}.png`, await encodeImage({ colour: scene.image }, { format: 'png' }));
  await write(
    `truth/${name}.png`,
    await encodeImage({ colour: { ...scene.alpha, channels: 1 } }, { format: 'png' }),
  );
  const trimapPlane = planeU8ToF32(trimap);
  await write(
    `trimaps/${name}.png`,
    await encodeImage({ colour: { ...trimapPlane, channels: 1 } }, { format: 'png' }),
  );
  console.log(`examples/${name}.png  ${scene.description}`);
}
