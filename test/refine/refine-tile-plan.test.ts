import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trimap } from '../../src/core/image.ts';
import { planRefineTiles } from '../../src/refine/refine-tile-plan.ts';

function ring(width: number, height: number, inner: number, outer: number): Trimap {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2);
      data[y * width + x] = d < inner ? 255 : d < outer ? 128 : 0;
    }
  }
  return { data, width, height };
}

test('cores partition the unknown pixels; every tile holds its core and both kinds of known pixel', () => {
  const trimap = ring(300, 200, 60, 75);
  const tiles = planRefineTiles(trimap, { tileSize: 64, margin: 8, minKnown: 10 });
  const covered = new Uint8Array(trimap.data.length);
  for (const { core, solve } of tiles) {
    assert.ok(solve.x0 <= core.x0 && solve.y0 <= core.y0 && solve.x1 >= core.x1 && solve.y1 >= core.y1);
    let fg = 0;
    let bg = 0;
    for (let y = solve.y0; y < solve.y1; y++) {
      for (let x = solve.x0; x < solve.x1; x++) {
        const t = trimap.data[y * 300 + x];
        if (t === 255) fg++;
        if (t === 0) bg++;
      }
    }
    assert.ok(fg >= 10 && bg >= 10, `tile ${JSON.stringify(core)} holds ${fg} fg, ${bg} bg`);
    for (let y = core.y0; y < core.y1; y++) for (let x = core.x0; x < core.x1; x++) covered[y * 300 + x]++;
  }
  for (let i = 0; i < covered.length; i++) {
    if (trimap.data[i] === 128) assert.equal(covered[i], 1, `unknown pixel ${i} in ${covered[i]} cores`);
    else assert.ok(covered[i] <= 1);
  }
});

test('the reach rule (reachFactor) grows the margin with the band; by default the margin stays', () => {
  // A band 21 px high across two cells, sure foreground above, background below: its middle lies 10 px
  // from known pixels (along the column), so the rule at 1.5 asks for margins of at least 15.
  const width = 400;
  const height = 100;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = y < 40 ? 255 : y <= 60 ? 128 : 0;
  const inner = (core: { x0: number; x1: number }, solve: { x0: number; x1: number }) =>
    core.x0 === 0 ? solve.x1 - core.x1 : core.x0 - solve.x0;
  const reaching = planRefineTiles(
    { data, width, height },
    { tileSize: 200, margin: 4, minKnown: 1, reachFactor: 1.5 },
  );
  assert.equal(reaching.length, 2);
  for (const { core, solve } of reaching) assert.ok(inner(core, solve) >= 15, `margin ${inner(core, solve)}`);
  const plain = planRefineTiles({ data, width, height }, { tileSize: 200, margin: 4, minKnown: 1 });
  assert.equal(plain.length, 2);
  for (const { core, solve } of plain) assert.equal(inner(core, solve), 4);
});

test('a wide unknown region grows its tile until both kinds of known pixel are inside', () => {
  // Known background only at the far left, known foreground only at the far right.
  const width = 512;
  const height = 64;
  const data = new Uint8Array(width * height).fill(128);
  for (let y = 0; y < height; y++) {
    data[y * width] = 0;
    data[y * width + width - 1] = 255;
  }
  const tiles = planRefineTiles({ data, width, height }, { tileSize: 128, margin: 8, minKnown: 1 });
  for (const { solve } of tiles) assert.deepEqual([solve.x0, solve.x1], [0, width]);
});

test('no unknown pixels, no tiles', () => {
  assert.deepEqual(planRefineTiles({ data: new Uint8Array(100).fill(255), width: 10, height: 10 }), []);
});
