/**
 * The compose stage: from the matte and the foreground colours to the pixels that get encoded — the cutout
 * (RGB + alpha), the cutout on a new background, or the matte alone; optionally cropped to the subject.
 *
 * Pure.
 */
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import { cropInterleaved, cropPlane, type Rect } from '../core/rect.ts';
import { cropRectangle, type Margin } from './crop-to-subject.ts';
import { type BackgroundSpec, replaceBackground } from './replace-background.ts';

export interface ComposeOptions {
  /** The matte alone, as one grey channel. */
  maskOnly?: boolean;
  background?: BackgroundSpec;
  crop?: boolean;
  margin?: Margin;
}

export interface ComposedCutout {
  /** 1 channel (mask only) or 3 (RGB, straight colour). */
  colour: InterleavedF32;
  /** Absent when the result is opaque (mask only, or an opaque background). */
  alpha?: PlaneF32;
  /** The crop rectangle in the input image, with --crop. */
  crop?: Rect;
}

/**
 * @param photo the input RGB image (read by a blurred background)
 * @param alpha the matte
 * @param foreground the foreground colour; the photo itself when none was estimated
 */
export function composeCutout(
  photo: InterleavedF32,
  alpha: PlaneF32,
  foreground: InterleavedF32,
  options: ComposeOptions = {},
): ComposedCutout {
  const rect = options.crop ? cropRectangle(alpha, options.margin) : undefined;
  const whole =
    !rect || (rect.x0 === 0 && rect.y0 === 0 && rect.x1 === alpha.width && rect.y1 === alpha.height);
  const cropMatte = (plane: PlaneF32) => (whole ? plane : cropPlane(plane, rect));
  const cropImage = (image: InterleavedF32) => (whole ? image : cropInterleaved(image, rect));
  if (options.maskOnly) {
    const matte = cropMatte(alpha);
    return { colour: { ...matte, channels: 1 }, crop: rect };
  }
  if (options.background) {
    const composed = replaceBackground(foreground, alpha, photo, options.background);
    return {
      colour: cropImage(composed.colour),
      alpha: composed.alpha && cropMatte(composed.alpha),
      crop: rect,
    };
  }
  return { colour: cropImage(foreground), alpha: cropMatte(alpha), crop: rect };
}
