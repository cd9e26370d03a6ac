/**
 * Colours as people write them on a command line or in a form: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
 * `rgb(r, g, b)`, `rgba(r, g, b, a)` (components 0–255 or percentages, alpha 0–1 or a percentage), and the
 * CSS names most often wanted for a background. Components come back in [0, 1], alpha included.
 *
 * Pure.
 */
import { CutoutError } from '../errors.ts';

export type Rgba = readonly [number, number, number, number];

const NAMED: Record<string, Rgba> = {
  transparent: [0, 0, 0, 0],
  white: [1, 1, 1, 1],
  black: [0, 0, 0, 1],
  red: [1, 0, 0, 1],
  green: [0, 128 / 255, 0, 1],
  lime: [0, 1, 0, 1],
  blue: [0, 0, 1, 1],
  yellow: [1, 1, 0, 1],
  cyan: [0, 1, 1, 1],
  magenta: [1, 0, 1, 1],
  grey: [128 / 255, 128 / 255, 128 / 255, 1],
  gray: [128 / 255, 128 / 255, 128 / 255, 1],
  silver: [192 / 255, 192 / 255, 192 / 255, 1],
  orange: [1, 165 / 255, 0, 1],
  pink: [1, 192 / 255, 203 / 255, 1],
  purple: [128 / 255, 0, 128 / 255, 1],
  navy: [0, 0, 128 / 255, 1],
};

export function parseColour(text: string): Rgba {
  const value = text.trim().toLowerCase();
  const named = NAMED[value];
  if (named) return named;
  const hex = /^#?([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value);
  if (hex && (value.startsWith('#') || hex[1].length >= 6)) {
    const digits = hex[1];
    const short = digits.length <= 4;
    const parts: number[] = [];
    for (let i = 0; i < digits.length; i += short ? 1 : 2) {
      const piece = short ? digits[i] + digits[i] : digits.slice(i, i + 2);
      parts.push(Number.parseInt(piece, 16) / 255);
    }
    return [parts[0], parts[1], parts[2], parts[3] ?? 1];
  }
  const functional = /^rgba?\(\s*([^)]*)\)$/.exec(value);
  if (functional) {
    const items = functional[1].split(/\s*[,/]\s*|\s+/).filter(Boolean);
    if (items.length === 3 || items.length === 4) {
      const rgb = items.slice(0, 3).map((item) => component(item, 255));
      const alpha = items.length === 4 ? component(items[3], 1) : 1;
      if (rgb.every((v) => v !== undefined) && alpha !== undefined) {
        return [rgb[0]!, rgb[1]!, rgb[2]!, alpha];
      }
    }
  }
  throw new CutoutError(
    'CUTOUT_E_INVALID_OPTION',
    `cannot read '${text}' as a colour; use a name (white, black, transparent, …), #rrggbb, #rrggbbaa or rgba(r, g, b, a)`,
  );
}

/** Whether a string looks like a colour at all (for telling `--bg white` from `--bg beach.jpg`). */
export function isColour(text: string): boolean {
  try {
    parseColour(text);
    return true;
  } catch {
    return false;
  }
}

function component(item: string, scale: number): number | undefined {
  const percent = item.endsWith('%');
  const number = Number(percent ? item.slice(0, -1) : item);
  if (!Number.isFinite(number)) return undefined;
  const v = percent ? number / 100 : number / scale;
  return v < 0 || v > 1 ? undefined : v;
}
