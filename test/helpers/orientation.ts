/**
 * EXIF orientation by its definition, used to build and check the orientation fixtures.
 * `applyOrientation(stored, n)` is the picture a viewer shows for pixels stored under tag n.
 */

export interface RgbU8 {
  data: Uint8Array;
  width: number;
  height: number;
}

/** 48×32, four flat quadrants (red, green / blue, yellow): every flip and turn gives a different picture. */
export function orientationProbe(): RgbU8 {
  const width = 48;
  const height = 32;
  const colours = [
    [220, 30, 30],
    [30, 200, 40],
    [30, 40, 220],
    [230, 220, 30],
  ];
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const quadrant = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      data.set(colours[quadrant], (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

/** The tag whose display transform undoes tag n's (5 and 7 are their own inverses, 6 and 8 undo each other). */
export function inverseOrientation(n: number): number {
  return n === 6 ? 8 : n === 8 ? 6 : n;
}

/** The source pixel (in the stored image) shown at display position (x, y) for EXIF tag n. */
function storedPosition(n: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (n) {
    case 1:
      return [x, y];
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, h - 1 - x];
    case 7:
      return [w - 1 - y, h - 1 - x];
    case 8:
      return [w - 1 - y, x];
    default:
      throw new RangeError(`EXIF orientation ${n} is not 1–8`);
  }
}

export function applyOrientation(stored: RgbU8, n: number): RgbU8 {
  const swapped = n >= 5;
  const width = swapped ? stored.height : stored.width;
  const height = swapped ? stored.width : stored.height;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = storedPosition(n, x, y, stored.width, stored.height);
      const from = (sy * stored.width + sx) * 3;
      data.set(stored.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { data, width, height };
}
