/** Shared by the server tests: an app on the studio engine with an empty model store, and test photos. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeImage } from '../../src/io/index.ts';
import { build, type ServerOptions } from '../../src/server/build-app.ts';
import { generateScene } from '../../src/synth/index.ts';

/** No network model anywhere: an empty CUTOUT_HOME, offline. */
export const testHome = mkdtempSync(join(tmpdir(), 'cutout-server-test-'));

export async function testApp(options: ServerOptions = {}) {
  const app = await build({ offline: true, env: { ...process.env, CUTOUT_HOME: testHome }, ...options });
  await app.cutout.ready;
  return app;
}

/** A subject on a plain backdrop: what the studio segmenter is for. */
export async function scenePng(width = 160, height = 120, seed = 3): Promise<Buffer> {
  const scene = generateScene({ width, height, seed, subject: 'hair', background: 'gradient' });
  return encodeImage({ colour: scene.image }, { format: 'png' });
}

export async function rawPixels(bytes: Uint8Array) {
  return sharp(bytes).raw().toBuffer({ resolveWithObject: true });
}

/** A multipart/form-data body by hand (inject has no FormData). */
export function multipart(
  parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----cutout${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.filename ? `Content-Type: ${p.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(p.value as Uint8Array | string), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The tightest box of α > threshold, by brute force. */
export function alphaBox(alpha: ArrayLike<number>, width: number, height: number, threshold: number) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (alpha[y * width + x] > threshold) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? undefined : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
