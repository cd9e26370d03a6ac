/**
 * Green- and blue-screen shots with exact ground truth, for testing and benchmarking the chroma key.
 *
 * The subject (α and F) is generateScene's; the backdrop B is a saturated green or blue screen lit a
 * little unevenly (a broad hot spot, darker corners) with a faint grain, as real screens are. Two things
 * a set does are modelled on F, so that I = αF + (1 − α)B stays exact:
 *  - subjects avoid the key colour (nobody wears green in front of a green screen, or purple in front
 *    of a blue one): F's hue is turned away from the key where it comes close, and no colour keeps more
 *    of the screen's channel than of the larger other one;
 *  - spill: light bounced off the screen tints the subject near its outline towards the key colour.
 */
import { gaussianBlurPlane } from '../core/gaussian-blur.ts';
import { createInterleavedF32 } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { clamp01 } from './clamp.ts';
import { hsvToRgb } from './colour-field.ts';
import { generateScene, type Scene } from './generate-scene.ts';
import { Random } from './random.ts';
import type { SubjectKind } from './subjects.ts';

export const CHROMA_SCREENS = ['green', 'blue'] as const;
export type ChromaScreen = (typeof CHROMA_SCREENS)[number];

export interface ChromaSceneOptions {
  width: number;
  height: number;
  seed: number;
  /** Default 'mixed'. */
  subject?: SubjectKind;
  /** Default 'green'. */
  screen?: ChromaScreen;
  /** Strength of the spill on the subject's outline, 0 (none) … 1. Default 0.3. */
  spill?: number;
}

const KEY_HUE: Record<ChromaScreen, number> = { green: 1 / 3, blue: 0.62 };

function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  return [h / 6, max > 0 ? d / max : 0, max];
}

/** Signed distance between two hues on the unit circle, in (−0.5, 0.5]. */
function hueDelta(a: number, b: number): number {
  let d = (a - b) % 1;
  if (d > 0.5) d -= 1;
  if (d <= -0.5) d += 1;
  return d;
}

export function generateChromaScene(options: ChromaSceneOptions): Scene {
  const screen = options.screen ?? 'green';
  const spill = options.spill ?? 0.3;
  if (!CHROMA_SCREENS.includes(screen)) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `unknown screen '${screen}' (expected green or blue)`);
  }
  if (!(spill >= 0 && spill <= 1))
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `spill must be in [0, 1]`);
  const base = generateScene({
    width: options.width,
    height: options.height,
    seed: options.seed,
    subject: options.subject,
    background: 'plain',
  });
  const { width, height } = base.alpha;
  const rng = new Random(options.seed, 21);
  const keyHue = KEY_HUE[screen];

  // The screen: a key colour, a broad hot spot and darker corners, a faint grain.
  const [kr, kg, kb] = hsvToRgb(keyHue + rng.range(-0.02, 0.02), rng.range(0.7, 0.85), rng.range(0.6, 0.8));
  const spotX = width * rng.range(0.3, 0.7);
  const spotY = height * rng.range(0.2, 0.6);
  const spotR = Math.max(width, height) * rng.range(0.5, 0.8);
  const grain = rng.range(0.005, 0.015);
  const background = createInterleavedF32(width, height, 3);
  const bd = background.data;
  let state = (options.seed * 2654435761) >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - spotX) / spotR;
      const dy = (y + 0.5 - spotY) / spotR;
      const light = 0.85 + 0.2 * Math.exp(-(dx * dx + dy * dy));
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const noise = 1 + grain * (state / 4294967296 - 0.5) * 2;
      const p = 3 * (y * width + x);
      bd[p] = clamp01(kr * light * noise);
      bd[p + 1] = clamp01(kg * light * noise);
      bd[p + 2] = clamp01(kb * light * noise);
    }
  }

  // The subject: hues near the key turned away from it, then spill near the outline.
  const nearOutline = gaussianBlurPlane(base.alpha, Math.max(1, 0.006 * Math.min(width, height))).data;
  const foreground = createInterleavedF32(width, height, 3);
  const fd = foreground.data;
  const a = base.alpha.data;
  const src = base.foreground.data;
  for (let i = 0; i < width * height; i++) {
    const p = 3 * i;
    const [hue, s, v] = rgbToHsv(src[p], src[p + 1], src[p + 2]);
    const delta = hueDelta(hue, keyHue);
    const h = Math.abs(delta) < 0.17 && s > 0.15 ? keyHue + (delta < 0 ? -0.17 : 0.17) + delta * 0.5 : hue;
    let [r, g, b] = hsvToRgb(h, s, v);
    if (screen === 'green') g = Math.min(g, Math.max(r, b) - 0.03);
    else b = Math.min(b, Math.max(r, g) - 0.03);
    // Spill is strongest where the subject meets the screen (blurred α well below 1).
    const k = spill * 0.35 * Math.max(0, 1 - nearOutline[i]) * (a[i] > 0 ? 1 : 0);
    r += k * (kr - r);
    g += k * (kg - g);
    b += k * (kb - b);
    fd[p] = clamp01(r);
    fd[p + 1] = clamp01(g);
    fd[p + 2] = clamp01(b);
  }

  const image = createInterleavedF32(width, height, 3);
  const id = image.data;
  for (let i = 0; i < width * height; i++) {
    const p = 3 * i;
    const k = 1 - a[i];
    id[p] = a[i] * fd[p] + k * bd[p];
    id[p + 1] = a[i] * fd[p + 1] + k * bd[p + 1];
    id[p + 2] = a[i] * fd[p + 2] + k * bd[p + 2];
  }
  const subjectText = base.description.split('; on a ')[0];
  return {
    image,
    alpha: base.alpha,
    foreground,
    background,
    description: `${subjectText}; on a ${screen} screen; ${width}×${height}, seed ${options.seed}`,
  };
}
