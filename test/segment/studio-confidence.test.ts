/**
 * A photo that is not a studio shot must come back with a low confidence and a warning, not a confident
 * wrong cut: generated busy backgrounds, and real photos from ../shared when it is there.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeImage } from '../../src/io/decode.ts';
import { segmentStudio } from '../../src/segment/studio/segment-studio.ts';
import { LOW_CONFIDENCE, studioConfidence } from '../../src/segment/studio/studio-confidence.ts';
import { generateScene } from '../../src/synth/index.ts';
import { sharedDir } from '../fixtures.ts';

test('confidence from hand-made evidence', () => {
  const studio = {
    frameFraction: 1,
    frameSegments: 1,
    subjectShare: 0.2,
    backdropRoughness: 0.1,
    backdropLightness: 80,
    boxed: false,
  };
  assert.deepEqual(studioConfidence(studio), { confidence: 1, warnings: [] });
  const cases: [Partial<typeof studio>, RegExp][] = [
    [{ frameFraction: 0.2, frameSegments: 60 }, /little of the frame is one backdrop/],
    [{ backdropRoughness: 2.5 }, /textured or busy/],
    // A dark, slightly uneven backdrop (a room at night behind a dark-haired portrait): dark hair passes for it.
    [{ backdropRoughness: 0.8, backdropLightness: 16 }, /dark and uneven/],
    [{ subjectShare: 0.0001 }, /hardly any subject/],
    [{ subjectShare: 0.99 }, /almost everything/],
  ];
  for (const [change, reason] of cases) {
    const { confidence, warnings } = studioConfidence({ ...studio, ...change });
    assert.ok(confidence < LOW_CONFIDENCE, JSON.stringify(change));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], reason);
    assert.match(warnings[0], /segmentation model/);
  }
  // The same unevenness on a mid-grey or white backdrop, or a smooth black one (a product on velvet), is fine.
  assert.equal(studioConfidence({ ...studio, backdropRoughness: 0.8, backdropLightness: 45 }).confidence, 1);
  assert.equal(studioConfidence({ ...studio, backdropRoughness: 0.25, backdropLightness: 5 }).confidence, 1);
  // With a box, the frame and the backdrop's texture do not count.
  assert.equal(
    studioConfidence({ ...studio, frameFraction: 0.1, backdropRoughness: 3, boxed: true }).confidence,
    1,
  );
});

test('busy generated backgrounds: low confidence and a warning', () => {
  for (const [subject, seed] of [
    ['shapes', 1],
    ['glass', 3],
  ] as const) {
    const scene = generateScene({ width: 400, height: 300, seed, subject, background: 'busy' });
    const result = segmentStudio(scene.image);
    assert.ok(result.confidence < LOW_CONFIDENCE, `${subject}: confidence ${result.confidence}`);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /low confidence/);
  }
});

test('studio backgrounds, by contrast, are trusted', () => {
  for (const background of ['gradient', 'texture'] as const) {
    const scene = generateScene({ width: 400, height: 300, seed: 4, subject: 'mixed', background });
    const result = segmentStudio(scene.image);
    assert.ok(result.confidence >= 0.9, `${background}: confidence ${result.confidence}`);
    assert.deepEqual(result.warnings, []);
  }
});

const photos = join(sharedDir, 'data', 'photos');
test('real photos that are not studio shots', {
  skip: existsSync(photos) ? false : `../shared is absent (${photos})`,
}, async () => {
  // p_22fc0130: a dark-haired portrait on a dark backdrop, which the cut takes down to the face.
  for (const name of [
    'rembg/car-1.jpg',
    'rembg/anime-girl-1.jpg',
    'lemur/lemur.png',
    'portraits/image/p_22fc0130.jpg',
  ]) {
    const image = (await decodeImage(join(photos, name))).colour;
    const result = segmentStudio(image);
    assert.ok(result.confidence < LOW_CONFIDENCE, `${name}: confidence ${result.confidence.toFixed(2)}`);
    assert.equal(result.warnings.length, 1, name);
  }
});
