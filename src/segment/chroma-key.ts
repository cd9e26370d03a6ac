/**
 * Chroma key: α, a trimap and despilled foreground colours for a subject shot on a green or blue screen.
 *
 *  1. The screen (detected from the frame unless given) and its key colour K₀ (the frame's screen pixels).
 *  2. On a working grid of about 0.3 MP: screen pixels (keyness near K₀'s, same chromaticity) and the
 *     subject's interior (hardly any keyness, two working pixels deep). A screen plate K(x) and a
 *     subject plate F(x) are filled from each (pull-push), so an unevenly lit screen keys evenly.
 *  3. Per image pixel outside the interior: α by unmixing, α = (I − K)·(F − K)/‖F − K‖², where that is
 *     defined (the colour lies between K and F); elsewhere the colour-difference keyer, α = 1 − d(I)/d(K)
 *     with d the keyness. The interior is opaque. `tolerance` and `softness` then shape α.
 *  4. Trimap: 0 and 255 where α is 0 and 1, unknown (128) where it is between, grown by one pixel, for a
 *     matting pass to refine. Foreground: the unmixed colour (I − (1 − α)K)/α, leaning on the subject plate
 *     where α is small, then spill suppression (chroma-despill.ts).
 */
import { createInterleavedF32, type InterleavedF32, type PlaneF32, type Trimap } from '../core/image.ts';
import { erode } from '../core/morphology.ts';
import { CutoutError } from '../errors.ts';
import { type DespillMethod, despillPixel } from './chroma-despill.ts';
import {
  type ChromaScreen,
  detectChromaBackground,
  estimateKeyColour,
  keyness,
  type Rgb,
} from './chroma-screen.ts';
import { boxDownsample } from './studio/box-downsample.ts';
import { pullPushFill } from './studio/pull-push-fill.ts';
import { unmixCoverage } from './studio/unmix-coverage.ts';
import { sampleAxis } from './studio/working-grid.ts';

export interface ChromaKeyOptions {
  /** The screen's colour family; default: detected from the frame, else green. */
  screen?: ChromaScreen;
  /** The key colour (RGB in [0, 1]); default: estimated from the frame. */
  keyColour?: Rgb;
  /** α up to this is screen (noise, grain) and becomes 0. Default 0.03. */
  tolerance?: number;
  /** The α range above `tolerance` stretched onto 0…1: smaller = harder edges. Default 1 − 2 × tolerance. */
  softness?: number;
  /** Spill suppression on the foreground colours. Default 'max'. */
  despill?: DespillMethod;
  /** Pixels of the working grid for the screen and subject plates. Default 300 000. */
  workingPixels?: number;
}

export interface ChromaKeyResult {
  alpha: PlaneF32;
  trimap: Trimap;
  /** Foreground colour (RGB) everywhere, unmixed from the screen and despilled. */
  foreground: InterleavedF32;
  keyColour: Rgb;
  screen: ChromaScreen;
}

/** Keyness of a screen pixel relative to the key's, lowest: a screen lit 40 % darker still counts. */
const SCREEN_RATIO = 0.55;
/** Chromaticity distance from the key within which a pixel may be screen. */
const SCREEN_CHROMATICITY = 0.06;
/** Keyness relative to the key's, highest, of a pixel with no screen in it (the subject's own colour). */
const SOLID_RATIO = 0.12;

export function chromaKey(image: InterleavedF32, options: ChromaKeyOptions = {}): ChromaKeyResult {
  const { width, height, channels, data } = image;
  if (!(width > 0 && height > 0) || channels < 3) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_INVALID_SIZE',
      `chroma key needs an RGB image, got ${width}×${height}×${channels}`,
    );
  }
  const tolerance = options.tolerance ?? 0.03;
  const softness = options.softness ?? 1 - 2 * tolerance;
  if (!(tolerance >= 0 && tolerance < 0.5) || !(softness > 0 && softness <= 1)) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `chroma key: tolerance must be in [0, 0.5) and softness in (0, 1] (got ${tolerance}, ${softness})`,
    );
  }
  const screen = options.screen ?? detectChromaBackground(image) ?? 'green';
  if (screen !== 'green' && screen !== 'blue') {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `chroma key: screen must be green or blue, got '${screen}'`,
    );
  }
  const key = options.keyColour ?? estimateKeyColour(image, screen);
  const keyStrength = keyness(screen, key[0], key[1], key[2]);
  if (!(keyStrength > 0.02)) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `chroma key: the key colour ${key.map((v) => v.toFixed(2)).join(',')} is not a ${screen} screen colour`,
    );
  }

  // 2. Working grid: screen, subject interior, and the two plates.
  const factor = Math.max(1, Math.round(Math.sqrt((width * height) / (options.workingPixels ?? 300_000))));
  const small = boxDownsample(image, factor);
  const { width: sw, height: sh } = small;
  const sn = sw * sh;
  const keySum = key[0] + key[1] + key[2];
  const screenMask = new Uint8Array(sn);
  const solid = new Uint8Array(sn);
  const sd = small.data;
  for (let i = 0; i < sn; i++) {
    const r = sd[3 * i];
    const g = sd[3 * i + 1];
    const b = sd[3 * i + 2];
    const k = keyness(screen, r, g, b);
    if (k <= SOLID_RATIO * keyStrength) solid[i] = 255;
    if (k < SCREEN_RATIO * keyStrength) continue;
    const sum = r + g + b;
    const dr = r / sum - key[0] / keySum;
    const dg = g / sum - key[1] / keySum;
    if (dr * dr + dg * dg <= SCREEN_CHROMATICITY * SCREEN_CHROMATICITY) screenMask[i] = 255;
  }
  const interior = erode({ width: sw, height: sh, data: solid }, 2).data;
  const screenPlate = pullPushFill(small, screenMask, 0);
  if (!screenMask.includes(255)) screenPlate.data.set(new Float32Array(sn * 3).map((_, p) => key[p % 3]));
  const subjectPlate = pullPushFill(small, interior, 0.5);

  // 3. α per image pixel. A pixel as keyed as the brightest screen around it is screen outright (α would
  // come out below the tolerance); so is most of a frame, which keeps the per-pixel work to the subject.
  const kd = screenPlate.data;
  const fd = subjectPlate.data;
  const screenAt = new Float32Array(sn);
  for (let Y = 0; Y < sh; Y++) {
    for (let X = 0; X < sw; X++) {
      let most = 0;
      for (let y = Math.max(0, Y - 1); y <= Math.min(sh - 1, Y + 1); y++) {
        for (let x = Math.max(0, X - 1); x <= Math.min(sw - 1, X + 1); x++) {
          const q = 3 * (y * sw + x);
          most = Math.max(most, keyness(screen, kd[q], kd[q + 1], kd[q + 2]));
        }
      }
      screenAt[Y * sw + X] = (1 - 0.5 * tolerance) * most;
    }
  }
  const xs = sampleAxis(width, factor);
  const ys = sampleAxis(height, factor);
  const alpha = new Float32Array(width * height);
  const foreground = createInterleavedF32(width, height, 3);
  const fo = foreground.data;
  const kf = new Float64Array(6);
  const kPixel = kf.subarray(0, 3);
  const fPixel = kf.subarray(3);
  const method = options.despill ?? 'max';
  for (let y = 0; y < height; y++) {
    const y0 = ys.index[y];
    const y1 = y0 < sh - 1 ? y0 + 1 : y0;
    const fy = ys.frac[y];
    const blockRow = Math.floor(y / factor) * sw;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const p = i * channels;
      const o = 3 * i;
      const cell = blockRow + Math.floor(x / factor);
      if (interior[cell] !== 0) {
        alpha[i] = 1;
        fo[o] = data[p];
        fo[o + 1] = data[p + 1];
        fo[o + 2] = data[p + 2];
        despillPixel(fo, o, screen, method);
        continue;
      }
      if (keyness(screen, data[p], data[p + 1], data[p + 2]) >= screenAt[cell]) {
        // α = 0: the subject colour nearby stands for the foreground.
        fo[o] = fd[3 * cell];
        fo[o + 1] = fd[3 * cell + 1];
        fo[o + 2] = fd[3 * cell + 2];
        despillPixel(fo, o, screen, method);
        continue;
      }
      const x0 = xs.index[x];
      const x1 = x0 < sw - 1 ? x0 + 1 : x0;
      const fx = xs.frac[x];
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const c00 = 3 * (y0 * sw + x0);
      const c01 = 3 * (y0 * sw + x1);
      const c10 = 3 * (y1 * sw + x0);
      const c11 = 3 * (y1 * sw + x1);
      for (let k = 0; k < 3; k++) {
        kf[k] = w00 * kd[c00 + k] + w01 * kd[c01 + k] + w10 * kd[c10 + k] + w11 * kd[c11 + k];
        kf[3 + k] = w00 * fd[c00 + k] + w01 * fd[c01 + k] + w10 * fd[c10 + k] + w11 * fd[c11 + k];
      }
      let a = unmixCoverage(data, p, kPixel, fPixel, 0);
      if (Number.isNaN(a)) {
        const local = keyness(screen, kf[0], kf[1], kf[2]);
        a = local > 0 ? 1 - keyness(screen, data[p], data[p + 1], data[p + 2]) / local : 1;
      }
      a = (a - tolerance) / softness;
      a = a < 0 ? 0 : a > 1 ? 1 : a;
      alpha[i] = a;
      // Foreground: unmixed where α carries it, the subject plate where it does not.
      const trust = a >= 0.5 ? 1 : 2 * a;
      for (let k = 0; k < 3; k++) {
        const unmixed = a > 0 ? (data[p + k] - (1 - a) * kf[k]) / a : kf[3 + k];
        const v = trust * unmixed + (1 - trust) * kf[3 + k];
        fo[o + k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
      despillPixel(fo, o, screen, method);
    }
  }

  // 4. Trimap: unknown where α is fractional, and next to such a pixel (a margin for the matting).
  const fractional = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) fractional[i] = alpha[i] > 0 && alpha[i] < 1 ? 1 : 0;
  const trimap = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const unknown =
        fractional[i] |
        (x > 0 ? fractional[i - 1] : 0) |
        (x + 1 < width ? fractional[i + 1] : 0) |
        (y > 0 ? fractional[i - width] : 0) |
        (y + 1 < height ? fractional[i + width] : 0);
      trimap[i] = unknown !== 0 ? 128 : alpha[i] >= 1 ? 255 : 0;
    }
  }

  return {
    alpha: { width, height, data: alpha },
    trimap: { width, height, data: trimap },
    foreground,
    keyColour: [key[0], key[1], key[2]],
    screen,
  };
}
