/**
 * Fetching `image_url` / `bg_image_url` without letting a request reach the server's own network (SSRF).
 *
 *  - http and https only;
 *  - the host name is resolved once (every address, v4 and v6) and refused when ANY address is not public:
 *    loopback, private, link-local, CGNAT, multicast, documentation, benchmarking, reserved, unspecified,
 *    and IPv4 addresses hidden in IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are
 *    judged by the IPv4 address inside;
 *  - the connection is pinned to the checked address (a custom `lookup`), so a second DNS answer cannot
 *    swap in 127.0.0.1 between the check and the connect (DNS rebinding);
 *  - each redirect (at most 5) is a new URL and is checked the same way;
 *  - the body is capped in bytes (Content-Length first, then as it streams) and the whole fetch in time.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export class UrlFetchError extends Error {
  constructor(
    message: string,
    /** 'not_allowed': the URL or its address is refused; 'failed': the fetch itself failed. */
    readonly reason: 'not_allowed' | 'failed' | 'too_large',
  ) {
    super(message);
    this.name = 'UrlFetchError';
  }
}

export interface FetchOptions {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  /** Test only: allow loopback and private addresses (the checks still run; their verdict is ignored). */
  allowPrivate?: boolean;
}

export interface Fetched {
  bytes: Uint8Array;
  contentType?: string;
  /** Every URL visited, the last one answered. */
  urls: string[];
}

/** IPv4 ranges that are not public (RFC 6890 special-purpose registry and friends). */
const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['192.175.48.0', 24], // AS112
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

const V4_RANGES = V4_BLOCKED.map(([base, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (v4ToInt(base) & mask) >>> 0, mask };
});

function isPublicV4(ip: string): boolean {
  const n = v4ToInt(ip);
  return !V4_RANGES.some((r) => (n & r.mask) >>> 0 === r.base);
}

/** Eight 16-bit groups; a trailing dotted IPv4 part is folded into the last two. */
export function parseIPv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    if (isIP(last) !== 4) return undefined;
    const n = v4ToInt(last);
    tail.push(n >>> 16, n & 0xffff);
    // Keep a '::' that ends right before the IPv4 part; drop a single separating ':'.
    const prefix = text.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const [head, rest] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const a = parse(head);
  const b = rest === undefined ? [] : parse(rest);
  const missing = 8 - tail.length - a.length - b.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...a, ...new Array(rest === undefined ? 0 : missing).fill(0), ...b, ...tail];
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) return undefined;
  return groups;
}

function embeddedV4(hi: number, lo: number): string {
  return `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
}

function isPublicV6(ip: string): boolean {
  const g = parseIPv6(ip);
  if (!g) return false;
  // IPv4-mapped ::ffff:a.b.c.d and NAT64 64:ff9b::a.b.c.d carry an IPv4 address: judge that.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return isPublicV4(embeddedV4(g[6], g[7]));
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) {
    return isPublicV4(embeddedV4(g[6], g[7]));
  }
  if (g[0] === 0x2002) return isPublicV4(embeddedV4(g[1], g[2])); // 6to4
  // Global unicast is 2000::/3; everything else (::, ::1, fc00::/7, fe80::/10, ff00::/8, …) is not public.
  if ((g[0] & 0xe000) !== 0x2000) return false;
  if (g[0] === 0x2001 && g[1] < 0x0200) return false; // 2001::/23 IETF protocol assignments (Teredo, …)
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (g[0] === 0x3fff && g[1] < 0x1000) return false; // documentation (RFC 9637)
  return true;
}

/** True when an address may be fetched from: a public unicast address. */
export function isPublicAddress(ip: string): boolean {
  const version = isIP(ip);
  if (version === 4) return isPublicV4(ip);
  if (version === 6) return isPublicV6(ip);
  return false;
}

interface Checked {
  address: string;
  family: 4 | 6;
}

/** Resolves a host and checks every address it has. */
export async function resolvePublic(host: string, allowPrivate = false): Promise<Checked> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let addresses: { address: string; family: number }[];
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await dnsLookup(bare, { all: true, verbatim: true });
    } catch (error) {
      throw new UrlFetchError(
        `cannot resolve '${bare}' (${(error as NodeJS.ErrnoException).code})`,
        'failed',
      );
    }
  }
  if (addresses.length === 0) throw new UrlFetchError(`'${bare}' has no address`, 'failed');
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused && !allowPrivate) {
    throw new UrlFetchError(
      `'${bare}' resolves to ${refused.address}, which is not a public address`,
      'not_allowed',
    );
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function pinnedLookup(checked: Checked): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  }) as unknown as LookupFunction;
}

export async function fetchPublicUrl(url: string, options: FetchOptions): Promise<Fetched> {
  const maxRedirects = options.maxRedirects ?? 5;
  const deadline = Date.now() + options.timeoutMs;
  const urls: string[] = [];
  let current = url;
  for (let hop = 0; ; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      throw new UrlFetchError(`'${current}' is not a URL`, 'not_allowed');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UrlFetchError(`only http and https URLs are fetched, not ${parsed.protocol}`, 'not_allowed');
    }
    urls.push(parsed.href);
    const checked = await resolvePublic(parsed.hostname, options.allowPrivate);
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new UrlFetchError(`fetching took longer than ${options.timeoutMs} ms`, 'failed');
    const answer = await requestOnce(parsed, checked, options.maxBytes, remaining, options.timeoutMs);
    if (answer.redirect) {
      if (hop >= maxRedirects) throw new UrlFetchError(`more than ${maxRedirects} redirects`, 'failed');
      current = new URL(answer.redirect, parsed).href;
      continue;
    }
    return { bytes: answer.bytes!, contentType: answer.contentType, urls };
  }
}

function requestOnce(
  url: URL,
  checked: Checked,
  maxBytes: number,
  timeoutMs: number,
  /** The whole fetch's time cap, for the message (timeoutMs is what is left of it). */
  capMs: number,
): Promise<{ redirect?: string; bytes?: Uint8Array; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (error: UrlFetchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const request = client.get(
      url,
      { lookup: pinnedLookup(checked), headers: { 'user-agent': 'cutout-server', accept: 'image/*' } },
      (response) => {
        const status = response.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
          settled = true;
          clearTimeout(timer);
          response.resume();
          request.destroy();
          resolve({ redirect: response.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          fail(new UrlFetchError(`${url.href} answered HTTP ${status}`, 'failed'));
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(new UrlFetchError(`${url.href} is ${declared} bytes; the limit is ${maxBytes}`, 'too_large'));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new UrlFetchError(`${url.href} is larger than the limit of ${maxBytes} bytes`, 'too_large'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            bytes: new Uint8Array(Buffer.concat(chunks)),
            contentType: response.headers['content-type'],
          });
        });
        response.on('error', (error) => fail(new UrlFetchError(`${url.href}: ${error.message}`, 'failed')));
      },
    );
    const timer = setTimeout(
      () => fail(new UrlFetchError(`fetching ${url.href} took longer than ${capMs} ms`, 'failed')),
      timeoutMs,
    );
    request.on('error', (error) => fail(new UrlFetchError(`${url.href}: ${error.message}`, 'failed')));
  });
}
