/**
 * A request's parameters as library options, checked by the one options schema (pipeline/options.ts) and by
 * what a network service must refuse:
 *  - every option marked `local` (a path on the server's disk: mask, modelPath, modelSpec) — always refused;
 *  - `bg` as an image path (`local: 'file'`): only a colour or `blur`; a background image is uploaded;
 *  - options that belong to the operator (offline, acceptLicense, device, threads, verify);
 *  - `model` unless the operator allows that registry id; `maxPixels` above the server's cap.
 * Parameter names are the schema's (camelCase) or the command line's (kebab-case: `max-size`).
 */
import { isColour } from '../compose/parse-colour.ts';
import { CutoutError } from '../errors.ts';
import { parseRemoveOptions, type RemoveOptions, RemoveOptionsSchema } from '../pipeline/options.ts';
import { UPLOADED_BACKGROUND } from './jobs.ts';

interface PropertyMeta {
  local?: boolean | 'file';
}

const PROPERTIES = (RemoveOptionsSchema as unknown as { properties: Record<string, PropertyMeta> })
  .properties;

/** Options only the operator sets (command line of `cutout serve`). */
export const SERVER_ONLY_OPTIONS = ['offline', 'acceptLicense', 'device', 'threads', 'verify'] as const;

/** Options whose value may name a file on the server: never taken from a request. */
export const LOCAL_OPTIONS = Object.entries(PROPERTIES)
  .filter(([, meta]) => meta.local === true)
  .map(([key]) => key);

export interface RequestPolicy {
  /** Engine the server runs when the request names none. */
  engine: RemoveOptions['engine'];
  /** The server's model, if one was named. */
  model?: string;
  /** Registry ids a request may name. */
  allowModels: readonly string[];
  maxPixels: number;
  acceptLicense: readonly string[];
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function invalid(message: string): CutoutError {
  return new CutoutError('CUTOUT_E_INVALID_OPTION', message);
}

/**
 * @param raw the request's option fields (query string and form fields), values as strings or JSON values
 * @param hasBackgroundUpload whether a `bg_image` file came with the request
 */
export function requestRemoveOptions(
  raw: Record<string, unknown>,
  policy: RequestPolicy,
  hasBackgroundUpload = false,
): RemoveOptions {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = camel(name);
    if (LOCAL_OPTIONS.includes(key)) {
      throw invalid(`'${name}' names a file on the server and is not accepted over HTTP`);
    }
    if ((SERVER_ONLY_OPTIONS as readonly string[]).includes(key)) {
      throw invalid(`'${name}' is set by the server's operator, not per request`);
    }
    options[key] = value;
  }
  if (options.bg !== undefined) {
    const bg = String(options.bg);
    if (!(isColour(bg) || bg.trim().toLowerCase() === 'blur')) {
      throw invalid(
        `bg must be a colour or 'blur' (upload a background image as the bg_image file), got '${bg}'`,
      );
    }
  }
  if (hasBackgroundUpload) {
    if (options.bg !== undefined) throw invalid('give either bg or a bg_image file, not both');
    options.bg = UPLOADED_BACKGROUND;
  }
  if (options.model !== undefined) {
    const model = String(options.model);
    const allowed = model === policy.model || policy.allowModels.includes(model);
    if (!allowed) {
      const list = [policy.model, ...policy.allowModels].filter(Boolean).join(', ') || 'none';
      throw invalid(`model '${model}' is not offered by this server (allowed: ${list})`);
    }
  }
  if (options.maxPixels !== undefined && Number(options.maxPixels) > policy.maxPixels) {
    throw invalid(`maxPixels may not exceed the server's limit of ${policy.maxPixels}`);
  }
  const withServer = {
    engine: policy.engine,
    model:
      options.engine === undefined || options.engine === 'model' || options.engine === 'auto'
        ? policy.model
        : undefined,
    maxPixels: policy.maxPixels,
    ...options,
    acceptLicense: [...policy.acceptLicense],
  };
  // A request that picks a weight-free engine drops the server's model.
  if (withServer.engine === 'studio' || withServer.engine === 'chroma') {
    if (options.model !== undefined) throw invalid(`engine ${withServer.engine} uses no model: drop model`);
    withServer.model = undefined;
  }
  const parsed = parseRemoveOptions(withServer);
  // Defaults come back from the job's own parse; pass only what was set, plus the server's choices.
  const out: RemoveOptions = { ...parsed, offline: true };
  return out;
}
