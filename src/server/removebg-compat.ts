/**
 * remove.bg's API (POST /v1.0/removebg) in cutout's terms: its parameters to cutout options and a canvas
 * layout, its error format `{"errors":[{"code","title","detail"}]}` and its response headers.
 *
 * A parameter remove.bg has and cutout cannot honour (shadows, type_level, …) is refused with a 400 that
 * says so, never silently ignored. `type` (person, product, car, …) is accepted — clients send it routinely —
 * and echoed in X-Type: cutout's general engine serves every kind of foreground, so the hint changes nothing. See docs/server.md for the table.
 */
import { isColour } from '../compose/parse-colour.ts';
import { CutoutError } from '../errors.ts';
import { InputError } from './http-input.ts';
import { JobTimeoutError, QueueFullError } from './job-pool.ts';
import type { RemovebgOutput } from './jobs.ts';
import type { Length, RemovebgLayout } from './removebg-layout.ts';
import { UrlFetchError } from './ssrf-guard.ts';

export class RemovebgError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'RemovebgError';
  }

  get body(): { errors: { code: string; title: string; detail?: string }[] } {
    return {
      errors: [{ code: this.code, title: this.title, ...(this.detail ? { detail: this.detail } : {}) }],
    };
  }
}

const bad = (detail: string) => new RemovebgError(400, 'invalid_parameter', 'Invalid parameter', detail);
const unsupported = (detail: string) =>
  new RemovebgError(400, 'unsupported_parameter', 'Parameter not supported by this server', detail);

/** remove.bg's `size` values as a pixel budget (undefined: the original size, up to the server's cap). */
export const SIZE_MEGAPIXELS: Record<string, number | undefined> = {
  preview: 0.25e6,
  small: 0.25e6,
  regular: 0.25e6,
  medium: 1.5e6,
  hd: 4e6,
  full: undefined,
  '4k': undefined,
  '50mp': undefined,
  auto: undefined,
};

export const SOURCE_FIELDS = ['image_file', 'image_file_b64', 'image_url'] as const;
export const BACKGROUND_FIELDS = ['bg_color', 'bg_image_file', 'bg_image_url'] as const;

const KNOWN = new Set<string>([
  ...SOURCE_FIELDS,
  ...BACKGROUND_FIELDS,
  'size',
  'type',
  'type_level',
  'format',
  'roi',
  'crop',
  'crop_margin',
  'scale',
  'position',
  'channels',
  'add_shadow',
  'semitransparency',
]);

/** remove.bg's foreground types (its `type` parameter and X-Type header). */
export const REMOVEBG_TYPES = [
  'auto',
  'person',
  'product',
  'animal',
  'car',
  'transportation',
  'graphic',
  'other',
];

export interface RemovebgParams {
  /** Pixel budget of the processed image; undefined = original. */
  megapixels?: number;
  /** The foreground type the client named, for X-Type ('other' when it said auto). */
  foregroundType: string;
  output: RemovebgOutput;
}

function text(value: unknown): string {
  return String(value).trim();
}

function bool(name: string, value: unknown): boolean {
  const v = text(value).toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw bad(`${name} must be true or false, got '${text(value)}'`);
}

function length(name: string, token: string, unitRequired = false): Length {
  const m = /^(\d+(?:\.\d+)?)(px|%)?$/i.exec(token);
  if (!m || (unitRequired && !m[2]))
    throw bad(`${name}: '${token}' must be a number of pixels (30px) or a percentage (10%)`);
  return m[2] === '%' ? { fraction: Number(m[1]) / 100 } : { px: Number(m[1]) };
}

function percentage(name: string, token: string, lo: number, hi: number): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(token);
  const v = m ? Number(m[1]) : Number.NaN;
  if (!(v >= lo && v <= hi)) throw bad(`${name} must be a percentage from ${lo}% to ${hi}%, got '${token}'`);
  return v / 100;
}

/** A remove.bg colour: hex without '#' (81d4fa, fff, 81d4fa77) or a name. */
export function removebgColour(value: string): string {
  const v = value.trim();
  const candidate = /^[0-9a-f]{3,8}$/i.test(v) ? `#${v}` : v;
  if (!isColour(candidate)) throw bad(`bg_color '${v}' is not a colour (hex like 81d4fa, or a colour name)`);
  return candidate;
}

/** Checks every parameter (sources and backgrounds are counted by the route). */
export function parseRemovebgParams(
  fields: Record<string, unknown>,
  fileNames: Iterable<string>,
): RemovebgParams {
  for (const name of [...Object.keys(fields), ...fileNames]) {
    if (!KNOWN.has(name)) throw bad(`unknown parameter '${name}'`);
  }
  const get = (name: string) =>
    fields[name] === undefined || fields[name] === '' ? undefined : text(fields[name]);

  const size = (get('size') ?? 'preview').toLowerCase();
  if (!(size in SIZE_MEGAPIXELS)) {
    throw bad(`size must be one of preview, small, regular, medium, hd, full, 4k, 50MP, auto; got '${size}'`);
  }
  const type = (get('type') ?? 'auto').toLowerCase();
  if (!REMOVEBG_TYPES.includes(type))
    throw bad(`type must be one of ${REMOVEBG_TYPES.join(', ')}; got '${type}'`);
  if (get('type_level') !== undefined)
    throw unsupported('type_level: cutout does not classify the foreground');
  if (get('add_shadow') !== undefined && bool('add_shadow', get('add_shadow'))) {
    throw unsupported('add_shadow=true: cutout does not synthesise shadows');
  }
  if (get('semitransparency') !== undefined && !bool('semitransparency', get('semitransparency'))) {
    throw unsupported('semitransparency=false: cutout always solves true (soft) alpha');
  }
  const format = (get('format') ?? 'auto').toLowerCase();
  if (!['auto', 'png', 'jpg', 'zip', 'webp'].includes(format)) {
    throw bad(`format must be auto, png, jpg, zip or webp; got '${format}'`);
  }
  const channels = (get('channels') ?? 'rgba').toLowerCase();
  if (channels !== 'rgba' && channels !== 'alpha')
    throw bad(`channels must be rgba or alpha; got '${channels}'`);

  const layout: RemovebgLayout = {};
  const roi = get('roi');
  if (roi !== undefined) {
    const parts = roi.split(/[\s,]+/).filter(Boolean);
    if (parts.length !== 4) throw bad(`roi must be 'x1 y1 x2 y2' (px or %), got '${roi}'`);
    layout.roi = parts.map((p) => length('roi', p)) as RemovebgLayout['roi'];
    const r = layout.roi!;
    const sameUnit = (a: Length, b: Length) => 'px' in a === 'px' in b;
    const value = (l: Length) => ('px' in l ? l.px : l.fraction);
    if (
      (sameUnit(r[0], r[2]) && value(r[2]) <= value(r[0])) ||
      (sameUnit(r[1], r[3]) && value(r[3]) <= value(r[1]))
    ) {
      throw bad(`roi '${roi}' is empty: x2 must exceed x1 and y2 exceed y1`);
    }
  }
  if (get('crop') !== undefined) layout.crop = bool('crop', get('crop'));
  const margin = get('crop_margin');
  if (margin !== undefined) {
    const parts = margin
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => length('crop_margin', p));
    if (![1, 2, 4].includes(parts.length)) throw bad(`crop_margin takes 1, 2 or 4 values, got '${margin}'`);
    const [t, r = t, b = t, l = r] = parts.length === 2 ? [parts[0], parts[1], parts[0], parts[1]] : parts;
    layout.cropMargin = [t, r, b, l];
    if (!layout.crop) throw bad('crop_margin only applies with crop=true');
  }
  const scale = get('scale');
  if (scale !== undefined && scale.toLowerCase() !== 'original')
    layout.scale = percentage('scale', scale, 10, 100);
  const position = get('position');
  if (position !== undefined) {
    const p = position.toLowerCase();
    if (p === 'original') layout.position = 'original';
    else if (p === 'center') layout.position = [0.5, 0.5];
    else {
      const parts = p
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((v) => percentage('position', v, 0, 100));
      if (parts.length !== 1 && parts.length !== 2)
        throw bad(`position must be original, center, 'x%' or 'x% y%'`);
      layout.position = [parts[0], parts[1] ?? parts[0]];
    }
  }
  const bgColour = get('bg_color');
  return {
    megapixels: SIZE_MEGAPIXELS[size],
    foregroundType: type === 'auto' ? 'other' : type,
    output: {
      layout,
      background: bgColour !== undefined ? removebgColour(bgColour) : undefined,
      channels: channels as 'rgba' | 'alpha',
      format: format as RemovebgOutput['format'],
    },
  };
}

/** Any failure on the removebg route, in remove.bg's terms. */
export function toRemovebgError(error: unknown): RemovebgError {
  if (error instanceof RemovebgError) return error;
  if (error instanceof QueueFullError) {
    return new RemovebgError(503, 'server_busy', 'Server busy', error.message, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof JobTimeoutError)
    return new RemovebgError(504, 'timeout', 'Processing timed out', error.message);
  if (error instanceof UrlFetchError) {
    if (error.reason === 'not_allowed')
      return new RemovebgError(400, 'url_not_allowed', 'URL not allowed', error.message);
    if (error.reason === 'too_large')
      return new RemovebgError(400, 'file_too_large', 'File too large', error.message);
    return new RemovebgError(400, 'failed_to_download', 'Failed to download the image', error.message);
  }
  if (error instanceof InputError) {
    if (error.kind === 'too_large')
      return new RemovebgError(400, 'file_too_large', 'File too large', error.message);
    if (error.kind === 'content_type') {
      return new RemovebgError(415, 'invalid_content_type', 'Unsupported content type', error.message);
    }
    return new RemovebgError(400, 'invalid_request', 'Malformed request', error.message);
  }
  if (error instanceof CutoutError) {
    switch (error.code) {
      case 'CUTOUT_E_INPUT_UNSUPPORTED':
        return new RemovebgError(400, 'invalid_file_type', 'Invalid file type', error.message);
      case 'CUTOUT_E_INPUT_TOO_LARGE':
        return new RemovebgError(
          400,
          'resolution_too_high',
          'Input image resolution too high',
          error.message,
        );
      case 'CUTOUT_E_INPUT_EMPTY':
      case 'CUTOUT_E_INPUT_CORRUPT':
      case 'CUTOUT_E_INPUT_INVALID_SIZE':
        return new RemovebgError(400, 'invalid_image', 'Image could not be read', error.message);
      case 'CUTOUT_E_INVALID_OPTION':
      case 'CUTOUT_E_MODEL_UNKNOWN':
        return new RemovebgError(400, 'invalid_parameter', 'Invalid parameter', error.message);
      default:
        return new RemovebgError(error.httpStatus, 'internal_error', 'Internal error', error.message);
    }
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (fastify.statusCode === 413 || fastify.code === 'FST_REQ_FILE_TOO_LARGE') {
    return new RemovebgError(400, 'file_too_large', 'File too large', fastify.message);
  }
  if (fastify.statusCode === 415) {
    return new RemovebgError(415, 'invalid_content_type', 'Unsupported content type', fastify.message);
  }
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new RemovebgError(fastify.statusCode, 'invalid_request', 'Malformed request', fastify.message);
  }
  return new RemovebgError(500, 'internal_error', 'Internal error', (error as Error)?.message);
}
