/**
 * Writes the inputs of bench/refine.ts's end-to-end runs: a 12 MP synthetic photo (JPEG, quality 92) and its
 * network-like coarse mask (PNG), as `big.jpg` and `big-mask.png` in the given folder.
 *
 *   node --import tsx/esm bench/end-to-end-inputs.ts <folder> <shapes|hair>
 *
 * A process of its own so that the benchmark holds none of the scene's memory while it times the CLI: on this
 * machine a process holding ~1 GB of touched memory beside the CLI made its page faults dearer (the hair run
 * 7.5 → 7.8–8.9 s, system CPU 1.1 → 1.8–3.4 s).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeImage } from '../src/io/encode.ts';
import { generateScene } from '../src/synth/index.ts';
import { networkLikeMask } from '../test/refine/network-like-mask.ts';

const [folder, subject] = process.argv.slice(2);
if (!folder || (subject !== 'shapes' && subject !== 'hair')) {
  throw new Error('usage: end-to-end-inputs.ts <folder> <shapes|hair>');
}
const scene = generateScene({ width: 4000, height: 3000, seed: 21, subject, background: 'texture' });
await writeFile(
  join(folder, 'big.jpg'),
  await encodeImage({ colour: scene.image }, { format: 'jpeg', quality: 92 }),
);
const mask = networkLikeMask(scene.alpha);
await writeFile(
  join(folder, 'big-mask.png'),
  await encodeImage({ colour: { ...mask, channels: 1 } }, { format: 'png' }),
);
