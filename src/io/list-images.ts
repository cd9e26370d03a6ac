/** Finding image files: by extension, in a folder, keyed by name so that related files pair up. */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CutoutError } from '../errors.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.avif', '.tif', '.tiff', '.gif'];

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** A file's name without folder and extension: the key that pairs an image with its trimap, mask or truth. */
export function nameKey(path: string): string {
  return basename(path, extname(path));
}

/** The image files of a folder (not recursive, hidden files skipped), keyed by name without extension. */
export async function imagesByName(path: string, flag: string): Promise<Map<string, string>> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', `${flag}: no such file or folder`, { file: path });
  }
  if (info.isFile()) return new Map([[nameKey(path), path]]);
  const byName = new Map<string, string>();
  for (const entry of (await readdir(path)).sort()) {
    if (entry.startsWith('.') || !isImagePath(entry)) continue;
    const name = nameKey(entry);
    const previous = byName.get(name);
    if (previous) {
      throw new CutoutError(
        'CUTOUT_E_NO_MATCH',
        `two files share the name '${name}': ${basename(previous)}, ${entry}`,
        {
          file: path,
        },
      );
    }
    byName.set(name, join(path, entry));
  }
  if (byName.size === 0)
    throw new CutoutError('CUTOUT_E_NO_MATCH', `${flag}: no image files in folder`, { file: path });
  return byName;
}
