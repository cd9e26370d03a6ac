/**
 * Tiles for matting large images: the unknown band is cut into overlapping pieces that are solved
 * independently (in parallel, on worker threads) and pasted back.
 *
 * Each tile is a grid cell that holds unknown pixels (its *core*), grown by a margin of context. Only the
 * core's alpha is kept, so the artificial boundary of a tile — where the solve sees no neighbours — lies a
 * margin away from any pixel that is used. The matting systems couple pixels only through small windows and
 * every unknown pixel of a thin band sits close to known pixels, so the influence of that boundary decays
 * within a few pixels and a margin of a few dozen makes tiled and whole-image solves agree.
 *
 * A tile must be well posed: every unknown region in it must touch a known pixel inside the tile, or its
 * alpha is undetermined (any constant would do). Where that fails — a wide unknown region such as glass, or
 * scribbles — the margin doubles until it holds, up to the whole image.
 */
import { labelConnectedComponents } from '../core/connected-components.ts';
import type { PlaneF32, Trimap } from '../core/image.ts';
import { cropTrimap, expandRect as expand, type Rect } from '../core/rect.ts';

export interface MattingTile {
  /** The region solved: the core and its margin, clipped to the image. */
  solve: Rect;
  /** The region whose alpha is kept (a grid cell, clipped to the image). */
  core: Rect;
}

export interface TilePlanOptions {
  /** Side of a grid cell. Default 384. */
  tileSize?: number;
  /** Context around each cell. Default 32. */
  margin?: number;
}

const isUnknown = (v: number) => v > 0 && v < 255;

export function planMattingTiles(trimap: Trimap, options: TilePlanOptions = {}): MattingTile[] {
  const { width, height, data } = trimap;
  const tileSize = options.tileSize ?? 384;
  const margin = options.margin ?? 32;
  const whole: Rect = { x0: 0, y0: 0, x1: width, y1: height };
  const tiles: MattingTile[] = [];
  for (let cy = 0; cy < height; cy += tileSize) {
    for (let cx = 0; cx < width; cx += tileSize) {
      const core: Rect = {
        x0: cx,
        y0: cy,
        x1: Math.min(cx + tileSize, width),
        y1: Math.min(cy + tileSize, height),
      };
      if (!hasUnknown(data, width, core)) continue;
      let grow = margin;
      let solve = expand(core, grow, width, height);
      while (!isWellPosed(trimap, solve) && !sameRect(solve, whole)) {
        grow = Math.max(grow * 2, 16);
        solve = expand(core, grow, width, height);
      }
      // A tile that needs the whole image makes every other tile pointless: solve the image once.
      if (sameRect(solve, whole)) return [{ solve: whole, core: whole }];
      tiles.push({ solve, core });
    }
  }
  return tiles;
}

/** Copies the core of a solved tile (alpha over the tile's solve rectangle) into the full-size alpha. */
export function pasteTileCore(target: PlaneF32, tile: MattingTile, tileAlpha: PlaneF32): void {
  const { core, solve } = tile;
  const w = core.x1 - core.x0;
  for (let y = core.y0; y < core.y1; y++) {
    const from = (y - solve.y0) * tileAlpha.width + (core.x0 - solve.x0);
    target.data.set(tileAlpha.data.subarray(from, from + w), y * target.width + core.x0);
  }
}

function hasUnknown(data: Uint8Array, width: number, rect: Rect): boolean {
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let x = rect.x0; x < rect.x1; x++) if (isUnknown(data[y * width + x])) return true;
  }
  return false;
}

/** Every 8-connected region of unknown pixels in the rectangle has a known pixel beside it, inside it. */
function isWellPosed(trimap: Trimap, rect: Rect): boolean {
  const crop = cropTrimap(trimap, rect);
  const { width, height, data } = crop;
  const unknown = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) unknown[i] = isUnknown(data[i]) ? 1 : 0;
  const { labels, count } = labelConnectedComponents(unknown, width, height, 8);
  const anchored = new Uint8Array(count + 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = labels[y * width + x];
      if (label === 0 || anchored[label]) continue;
      for (let dy = -1; dy <= 1 && !anchored[label]; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          if (!unknown[ny * width + nx]) {
            anchored[label] = 1;
            break;
          }
        }
      }
    }
  }
  for (let label = 1; label <= count; label++) if (!anchored[label]) return false;
  return true;
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1;
}

/** Unknown pixels (neither 0 nor 255) of the trimap inside `rect`: a tile's share of the work. */
export function countUnknownIn(trimap: Trimap, rect: Rect): number {
  const { width, data } = trimap;
  let count = 0;
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let i = y * width + rect.x0, end = y * width + rect.x1; i < end; i++) {
      if (data[i] !== 0 && data[i] !== 255) count++;
    }
  }
  return count;
}
