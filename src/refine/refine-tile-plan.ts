/**
 * Tiles for the cascade's matting: grid cells holding unknown pixels, each grown by a margin of context
 * (only the cell's own alpha is kept, as in matting/tile-plan.ts).
 *
 * The margin is chosen per tile: `margin` (32 px), and, with `minKnown` > 0, doubled until the tile holds
 * sure foreground and sure background pixels, at least `minKnown` of each. That growth is off by default:
 * a tile's colour samples come from a context crop around it (refine-tiled.ts), and the cascade's priors
 * pin down a band with no known pixel in reach, so tiles inside a head of hair no longer reach out
 * 256–512 px to find both kinds (which made 12 MP hair solve its unknowns 1.48× over).
 *
 * An optional reach rule (`reachFactor`) also grows the margin to that multiple of the farthest any unknown
 * pixel of the cell lies from a known pixel (along its row or column), capped at `maxReachMargin`. It was
 * the default (1.5) against seams on portraits with soft network masks, but it made the tiles of hair solve
 * the same unknowns 1.7–2.4 times over (bench/refine.ts: 12 MP hair 1.88×, its end-to-end photo 2.42×;
 * without it 1.39× and 1.48×). Measured without it: SAD 4 MP hair 24.2 → 23.9, 4 MP shapes 0.8 → 0.7,
 * 12 MP shapes 3.4 → 3.4, 12 MP hair 84.8 → 89.8 (+6 %, still 0.77 × rembg's recipe), portraits equal but
 * for the wrong-mask one; against one whole-image solve, the largest difference at a tile's core edge on
 * the portraits grew from 0.35 to 0.43 (p_09ba26b4, a faint seam where the network's mask is wrong anyway).
 * That buys a quarter to two fifths less work on hair.
 *
 * The priors of the cascade keep every tile's system regular, so the stricter well-posedness test of
 * matting/tile-plan.ts (every unknown region touches a known pixel) is not needed here.
 *
 * Pure.
 */
import type { Trimap } from '../core/image.ts';
import { expandRect as expand, type Rect } from '../core/rect.ts';
import type { MattingTile } from '../matting/tile-plan.ts';

/** The reach rule's margin is capped: past this, the minKnown rule alone decides (glass-like regions). */
const MAX_REACH_MARGIN = 512;

export interface RefineTilePlanOptions {
  /**
   * Side of a grid cell. Default 768. Larger tiles overlap less, but a worker's first tile is all fresh memory
   * (page faults, dear on this machine) and the last ones decide how long one worker waits for the other: 768
   * against 1024, the 12 MP end-to-end hair photo of bench/refine.ts matted in 5.67–5.95 s against 6.06–6.80 s
   * (interleaved, .scratch/e2eprof.mts); 640 took 6.0–6.1 s, 512 6.6 s. SADs: synthetic 4.87 → 4.82,
   * alphamatting 3.62 → 3.61, portraits still 4 of 6.
   */
  tileSize?: number;
  /** Smallest margin. Default 32. */
  margin?: number;
  /** Sure pixels of each kind a tile must hold, growing it until it does. Default 0 (off). */
  minKnown?: number;
  /** Margin as a multiple of the farthest unknown pixel's distance to a known one. Default 0 (off). */
  reachFactor?: number;
  /** Cap of that margin. Default 512. */
  maxReachMargin?: number;
}

export function planRefineTiles(trimap: Trimap, options: RefineTilePlanOptions = {}): MattingTile[] {
  const { width, height, data } = trimap;
  const tileSize = Math.max(16, options.tileSize ?? 768);
  const baseMargin = Math.max(0, options.margin ?? 32);
  const minKnown = Math.max(0, options.minKnown ?? 0);
  const reachFactor = options.reachFactor ?? 0;
  const maxReach = options.maxReachMargin ?? MAX_REACH_MARGIN;
  // The known-pixel tables cost a pass over the image: built only when tiles must hold known pixels.
  const known = minKnown > 0 ? knownCounts(trimap) : undefined;
  const needFg = known ? Math.min(minKnown, known.totalFg) : 0;
  const needBg = known ? Math.min(minKnown, known.totalBg) : 0;
  // The reach scan costs a pass over the image: skipped when the rule is off.
  const reach = reachFactor > 0 ? axisReach(trimap) : undefined;
  // Cells of equal size near tileSize: no thin strip along the right or bottom edge.
  const columns = Math.ceil(width / tileSize);
  const rows = Math.ceil(height / tileSize);
  const cellWidth = Math.ceil(width / columns);
  const cellHeight = Math.ceil(height / rows);

  const tiles: MattingTile[] = [];
  for (let cy = 0; cy < height; cy += cellHeight) {
    for (let cx = 0; cx < width; cx += cellWidth) {
      const core: Rect = {
        x0: cx,
        y0: cy,
        x1: Math.min(cx + cellWidth, width),
        y1: Math.min(cy + cellHeight, height),
      };
      let unknown = false;
      let farthest = 0;
      for (let y = core.y0; y < core.y1 && !(unknown && !reach); y++) {
        for (let x = core.x0; x < core.x1; x++) {
          const t = data[y * width + x];
          if (t === 0 || t === 255) continue;
          unknown = true;
          if (!reach) break;
          const d = reach[y * width + x];
          if (d > farthest) farthest = d;
        }
      }
      if (!unknown) continue;
      let margin = Math.max(baseMargin, Math.min(maxReach, Math.ceil(reachFactor * farthest)));
      let solve = expand(core, margin, width, height);
      while (
        known &&
        (known.count(0, solve) < needFg || known.count(1, solve) < needBg) &&
        !(solve.x0 === 0 && solve.y0 === 0 && solve.x1 === width && solve.y1 === height)
      ) {
        margin = Math.max(2 * margin, 16);
        solve = expand(core, margin, width, height);
      }
      tiles.push({ solve, core });
    }
  }
  return tiles;
}

/** Blocks of this side hold the known-pixel counts; a rectangle is counted by the blocks it touches. */
const BLOCK = 16;

/**
 * Sure foreground (kind 0) and background (kind 1) pixels in a rectangle, from summed-area tables over
 * 16×16 blocks: a rectangle counts only the blocks wholly inside it (a partial block at the image's edge
 * counts when the rectangle reaches that edge), so the count never exceeds the truth and a tile grows a
 * little more than it must at worst — with 256× less memory than per-pixel tables on a 12 MP image.
 */
function knownCounts(trimap: Trimap) {
  const { width, height, data } = trimap;
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const stride = bw + 1;
  const tables = [new Int32Array(stride * (bh + 1)), new Int32Array(stride * (bh + 1))];
  for (let y = 0; y < height; y++) {
    const row = ((y / BLOCK) | 0) + 1;
    for (let x = 0; x < width; x++) {
      const t = data[y * width + x];
      if (t === 255) tables[0][row * stride + ((x / BLOCK) | 0) + 1]++;
      else if (t === 0) tables[1][row * stride + ((x / BLOCK) | 0) + 1]++;
    }
  }
  for (const table of tables) {
    for (let by = 1; by <= bh; by++) {
      let run = 0;
      for (let bx = 1; bx <= bw; bx++) {
        run += table[by * stride + bx];
        table[by * stride + bx] = table[(by - 1) * stride + bx] + run;
      }
    }
  }
  return {
    totalFg: tables[0][bh * stride + bw],
    totalBg: tables[1][bh * stride + bw],
    count(kind: 0 | 1, r: Rect): number {
      const table = tables[kind];
      const x0 = Math.ceil(r.x0 / BLOCK);
      const y0 = Math.ceil(r.y0 / BLOCK);
      const x1 = r.x1 === width ? bw : Math.floor(r.x1 / BLOCK);
      const y1 = r.y1 === height ? bh : Math.floor(r.y1 / BLOCK);
      if (x1 <= x0 || y1 <= y0) return 0;
      return (
        table[y1 * stride + x1] - table[y0 * stride + x1] - table[y1 * stride + x0] + table[y0 * stride + x0]
      );
    },
  };
}

/**
 * For every pixel, the distance along its row or its column (whichever is shorter) to the nearest known
 * pixel: an upper bound of the Euclidean distance, in four linear scans — a tile margin needs a bound, not
 * the exact transform, which cost a sixth of the serial time before the tiles at 12 MP.
 */
function axisReach(trimap: Trimap): Float32Array {
  const { width, height, data } = trimap;
  const far = width + height;
  const reach = new Float32Array(width * height);
  const isKnown = (i: number) => data[i] === 0 || data[i] === 255;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -far;
    for (let x = 0; x < width; x++) {
      if (isKnown(row + x)) last = x;
      reach[row + x] = x - last;
    }
    last = far + width;
    for (let x = width - 1; x >= 0; x--) {
      if (isKnown(row + x)) last = x;
      const d = last - x;
      if (d < reach[row + x]) reach[row + x] = d;
    }
  }
  const down = new Float32Array(width).fill(far);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      down[x] = isKnown(i) ? 0 : down[x] + 1;
      if (down[x] < reach[i]) reach[i] = down[x];
    }
  }
  const up = new Float32Array(width).fill(far);
  for (let y = height - 1; y >= 0; y--) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      up[x] = isKnown(i) ? 0 : up[x] + 1;
      if (up[x] < reach[i]) reach[i] = up[x];
    }
  }
  return reach;
}
