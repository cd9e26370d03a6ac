/**
 * Whether the studio segmenter's cut can be trusted. It is built for a subject on a backdrop: most of the
 * frame is one smooth surface, the backdrop is smooth where it shows, and the subject is a part of the
 * picture, not all or none of it. A street, a room or a garden breaks these, and the cut then follows
 * whatever colour edges it finds; the caller should hear so and choose a network model instead. With a box
 * the background model comes from outside the box (GrabCut proper), which works on any background, so
 * only the subject's size is judged.
 */

export interface StudioEvidence {
  /** Share of the frame found to be backdrop (1 when a box replaced the frame). */
  frameFraction: number;
  /** Segments the frame falls into at colour steps. */
  frameSegments: number;
  /** Share of the image labelled subject. */
  subjectShare: number;
  /** Mean ΔE (Lab) between neighbouring backdrop pixels at the working resolution. */
  backdropRoughness: number;
  /** Mean L* of the backdrop pixels. */
  backdropLightness: number;
  /** A box gave the background model (the frame and backdrop tests then do not apply). */
  boxed: boolean;
}

/** 0 below `a`, 1 above `b`, smooth between. */
function ramp(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

export const LOW_CONFIDENCE = 0.5;

/** L* + 10 of the backdrop lightness below which its roughness counts for more. */
const DARK_REFERENCE = 50;

export function studioConfidence(evidence: StudioEvidence): { confidence: number; warnings: string[] } {
  const { frameFraction, frameSegments, subjectShare, backdropRoughness, backdropLightness, boxed } =
    evidence;
  const reasons: string[] = [];
  // Each factor is 1 when the evidence looks like a studio shot and falls towards 0 when it does not.
  const frame = boxed ? 1 : ramp(0.3, 0.65, frameFraction) * (1 - ramp(8, 30, frameSegments));
  if (frame < 0.5) reasons.push('little of the frame is one backdrop');
  // On a dark backdrop the same ΔE is a larger share of the contrast any subject can have against it, and
  // dark hair or clothing pass for backdrop (a portrait on black cut to the face): judged relative to a
  // mid-grey backdrop, L* 40. Lighter backdrops are not let off.
  const darkness = Math.max(1, DARK_REFERENCE / (backdropLightness + 10));
  const smooth = boxed ? 1 : 1 - ramp(0.9, 1.5, backdropRoughness * darkness);
  if (smooth < 0.5) {
    reasons.push(
      1 - ramp(0.9, 1.5, backdropRoughness) < 0.5
        ? 'the background is textured or busy'
        : 'the background is dark and uneven, so dark hair or clothing may have been taken for it',
    );
  }
  const sized = ramp(0.0005, 0.003, subjectShare) * (1 - ramp(0.85, 0.97, subjectShare));
  if (sized < 0.5)
    reasons.push(
      subjectShare < 0.003 ? 'hardly any subject was found' : 'almost everything was taken as subject',
    );
  const confidence = frame * smooth * sized;
  const warnings: string[] = [];
  if (confidence < LOW_CONFIDENCE) {
    warnings.push(
      `studio segmenter: low confidence (${confidence.toFixed(2)}): ${reasons.join('; ') || 'weak evidence'}. ` +
        'This does not look like a studio shot; a segmentation model (see `cutout models`) or a --box / ' +
        '--strokes prompt will do better.',
    );
  }
  return { confidence, warnings };
}
