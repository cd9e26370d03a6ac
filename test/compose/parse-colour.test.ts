import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isColour, parseColour } from '../../src/compose/parse-colour.ts';

test('hex, functional and named colours, alpha included', () => {
  const close = (a: readonly number[], b: number[]) =>
    assert.ok(
      a.every((v, i) => Math.abs(v - b[i]) < 1e-9),
      `${a} vs ${b}`,
    );
  close(parseColour('#fff'), [1, 1, 1, 1]);
  close(parseColour('#00ff0080'), [0, 1, 0, 128 / 255]);
  close(parseColour('#1a2b3c'), [0x1a / 255, 0x2b / 255, 0x3c / 255, 1]);
  close(parseColour('1a2b3c'), [0x1a / 255, 0x2b / 255, 0x3c / 255, 1]);
  close(parseColour('#f008'), [1, 0, 0, 0x88 / 255]);
  close(parseColour('rgb(255, 0, 51)'), [1, 0, 0.2, 1]);
  close(parseColour('rgba(0,0,255,0.5)'), [0, 0, 1, 0.5]);
  close(parseColour('rgb(100% 50% 0% / 25%)'), [1, 0.5, 0, 0.25]);
  close(parseColour(' White '), [1, 1, 1, 1]);
  close(parseColour('transparent'), [0, 0, 0, 0]);
});

test('anything else is a coded option error; isColour tells colours from file names', () => {
  for (const bad of ['#ggg', 'rgb(1,2)', 'rgb(300,0,0)', 'beach.jpg', 'blur', '', 'abc']) {
    assert.throws(() => parseColour(bad), { code: 'CUTOUT_E_INVALID_OPTION' }, bad);
  }
  assert.equal(isColour('#abc'), true);
  assert.equal(isColour('photos/beach.jpg'), false);
});
