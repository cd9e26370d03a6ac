import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageRect } from '../../src/synth/coverage.ts';
import { glassColour, glassMask, glassOpacity, randomGlass } from '../../src/synth/glass.ts';
import { Random } from '../../src/synth/random.ts';
import { roundedRect } from '../../src/synth/shapes.ts';

test('glass is mostly see-through: 0.15–0.6 inside, more opaque at the rim, light in colour', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const shape = roundedRect(100, 100, 50, 80, 10);
    const glass = randomGlass(new Random(seed), shape, 100, [0.9, 0.95, 0.92]);
    const mask = glassMask(glass, imageRect(200, 200));
    let inside = 0;
    let mid = 0;
    for (let row = 0; row < mask.height; row++) {
      for (let col = 0; col < mask.width; col++) {
        const x = mask.x0 + col + 0.5;
        const y = mask.y0 + row + 0.5;
        const a = mask.data[row * mask.width + col];
        assert.ok(a >= 0 && a <= 1);
        if (shape.distance(x, y) < -10) {
          inside++;
          assert.ok(a >= 0.14 && a <= 0.61, `seed ${seed}: α ${a} at (${x}, ${y})`);
          if (a >= 0.15 && a <= 0.6) mid++;
        }
      }
    }
    assert.ok(mid / inside > 0.99);
    // The rim: a pixel just inside the boundary is markedly more opaque than the middle.
    const rim = glassOpacity(glass, 100, 100 - 80 + 0.1);
    assert.ok(rim > 0.75, `rim ${rim}`);
    assert.ok(rim > glassOpacity(glass, 100, 100) + 0.2);
    const rgb = new Float64Array(3);
    glassColour(glass)(100, 100, rgb);
    for (const v of rgb) assert.ok(v > 0.6 && v <= 1, `colour ${rgb.join(', ')}`);
  }
});
