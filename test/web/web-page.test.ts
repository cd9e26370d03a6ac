/**
 * The web page in real headless Chromium (Debian's chromium, driven by playwright-core) against the server
 * on loopback: upload → the cutout appears and names its engine; a foreground stroke on the backdrop raises
 * α under it (only the touched region is re-matted); the download is a valid PNG.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { scenePng, testApp } from '../server/server-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('web page', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  before(async () => {
    app = await testApp({ concurrency: 1 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** α (0–255) of the page's full-resolution cutout at image pixel (x, y), read through the view's layers. */
  const alphaAt = (x: number, y: number) =>
    page.evaluate(
      ([px, py]) => {
        const view = document.getElementById('view') as HTMLCanvasElement;
        // Render the view with no slider and no background: then the view is the cutout itself.
        (document.getElementById('split') as HTMLInputElement).value = '0';
        const c = document.createElement('canvas');
        c.width = view.width;
        c.height = view.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(view, 0, 0);
        return ctx.getImageData(px, py, 1, 1).data[3];
      },
      [x, y],
    );

  test('upload → cutout over the checkerboard, engine shown', async () => {
    await page.goto(base);
    await page.setInputFiles('#file', {
      name: 'scene.png',
      mimeType: 'image/png',
      buffer: await scenePng(160, 120),
    });
    await page.waitForSelector('body[data-status="ready"]', { timeout: 20_000 });
    assert.match((await page.textContent('#status')) ?? '', /engine: studio/);
    const size = await page.evaluate(() => [
      (window as unknown as { cutoutState: { width: number; height: number } }).cutoutState.width,
      (window as unknown as { cutoutState: { height: number } }).cutoutState.height,
    ]);
    assert.deepEqual(size, [160, 120]);
    // Corner transparent (backdrop), some pixel opaque (subject).
    assert.equal(await alphaAt(3, 3), 0);
    const opaque = await page.evaluate(() => {
      const view = document.getElementById('view') as HTMLCanvasElement;
      const data = view.getContext('2d')!.getImageData(0, 0, view.width, view.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] === 255) n++;
      return n;
    });
    assert.ok(opaque > 500, `${opaque} opaque pixels`);
  });

  test('a foreground stroke on the backdrop raises α under it, and only near it', async () => {
    const before = [await alphaAt(20, 12), await alphaAt(150, 110)];
    assert.deepEqual(before, [0, 0]);
    const box = (await page.locator('#view').boundingBox())!;
    const toScreen = (x: number, y: number) =>
      [box.x + (x / 160) * box.width, box.y + (y / 120) * box.height] as const;
    await page.evaluate(() => {
      (document.getElementById('size') as HTMLInputElement).value = '8';
    });
    await page.mouse.move(...toScreen(12, 12));
    await page.mouse.down();
    await page.mouse.move(...toScreen(20, 12), { steps: 4 });
    await page.mouse.move(...toScreen(28, 12), { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(
      () => (window as unknown as { cutoutState: { refines: number } }).cutoutState.refines === 1,
      null,
      { timeout: 20_000 },
    );
    await page.waitForSelector('body[data-status="ready"]');
    const after = await alphaAt(20, 12);
    assert.ok(after >= 200, `α under the stroke went from 0 to ${after}`);
    // Far from the stroke nothing changed.
    assert.equal(await alphaAt(150, 110), 0);
  });

  test('download gives a valid RGBA PNG of the image size', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const path = await download.path();
    const bytes = readFileSync(path!);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.format, 'png');
    assert.deepEqual([meta.width, meta.height, meta.channels], [160, 120, 4]);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[(12 * 160 + 20) * 4 + 3] >= 200, 'the brushed pixel is kept in the download');
  });
});
