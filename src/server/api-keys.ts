/**
 * Optional API keys: from CUTOUT_API_KEYS (comma-separated) or a file (one per line, # comments). Compared in
 * constant time so a key cannot be guessed byte by byte from response times.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function parseApiKeys(text: string | undefined, separator: RegExp = /[,\n]/): string[] {
  if (!text) return [];
  return text
    .split(separator)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((key) => key.length > 0);
}

/** Keys from the environment and the file, if any. */
export function loadApiKeys(env: NodeJS.ProcessEnv, file?: string): string[] {
  const keys = parseApiKeys(env.CUTOUT_API_KEYS);
  if (file) keys.push(...parseApiKeys(readFileSync(file, 'utf8')));
  return [...new Set(keys)];
}

/** Hashing first gives equal lengths, which timingSafeEqual needs. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  accepts(key: string | undefined): boolean {
    if (!this.enabled) return true;
    if (!key) return false;
    const d = digest(key);
    let ok = false;
    for (const k of this.digests) ok = timingSafeEqual(k, d) || ok;
    return ok;
  }
}
