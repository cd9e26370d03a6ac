/**
 * One error class with stable codes. The CLI maps a code to an exit status and the HTTP service
 * to a status code, both from the table below, so a code means the same everywhere.
 */

export const ERROR_CODES = {
  CUTOUT_E_INPUT_NOT_FOUND: { exit: 66, http: 400, title: 'input not found' },
  CUTOUT_E_INPUT_EMPTY: { exit: 65, http: 400, title: 'input is empty' },
  CUTOUT_E_INPUT_UNSUPPORTED: { exit: 65, http: 415, title: 'unsupported or unrecognised image format' },
  CUTOUT_E_INPUT_CORRUPT: { exit: 65, http: 400, title: 'image data is corrupt or truncated' },
  CUTOUT_E_INPUT_TOO_LARGE: { exit: 65, http: 413, title: 'image has too many pixels' },
  CUTOUT_E_INPUT_INVALID_SIZE: { exit: 65, http: 400, title: 'image has an invalid size' },
  CUTOUT_E_SIZE_MISMATCH: { exit: 65, http: 400, title: 'images differ in size' },
  CUTOUT_E_INVALID_OPTION: { exit: 64, http: 400, title: 'invalid option' },
  CUTOUT_E_OUTPUT_IS_INPUT: { exit: 73, http: 500, title: 'output would overwrite the input' },
  CUTOUT_E_OUTPUT_EXISTS: { exit: 73, http: 500, title: 'output exists' },
  CUTOUT_E_OUTPUT_FAILED: { exit: 74, http: 500, title: 'could not write output' },
  CUTOUT_E_ENCODE_UNSUPPORTED: { exit: 64, http: 400, title: 'output format cannot hold this image' },
  CUTOUT_E_TRIMAP_INVALID: { exit: 65, http: 400, title: 'trimap or scribbles unusable' },
  CUTOUT_E_ABORTED: { exit: 130, http: 499, title: 'aborted' },
  CUTOUT_E_NO_MATCH: { exit: 65, http: 400, title: 'no matching file' },
  CUTOUT_E_INTERNAL: { exit: 70, http: 500, title: 'internal error' },
  CUTOUT_E_MODEL_UNKNOWN: { exit: 64, http: 400, title: 'unknown model id' },
  CUTOUT_E_MODEL_MISSING: { exit: 69, http: 503, title: 'model file is not installed' },
  CUTOUT_E_MODEL_INVALID: { exit: 65, http: 500, title: 'model file or model spec is invalid' },
  CUTOUT_E_HASH_MISMATCH: { exit: 65, http: 500, title: 'model file does not match its published hash' },
  CUTOUT_E_DOWNLOAD_FAILED: { exit: 69, http: 502, title: 'download failed' },
  CUTOUT_E_LICENSE_REQUIRED: { exit: 77, http: 403, title: 'model licence must be accepted' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CutoutError extends Error {
  readonly code: ErrorCode;
  /** The file or request part the error is about, when there is one. */
  readonly file?: string;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.name = 'CutoutError';
    this.code = code;
    this.file = options.file;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export function isCutoutError(error: unknown): error is CutoutError {
  return error instanceof CutoutError;
}

/** Exit status for any thrown value: a coded error's own, 70 (EX_SOFTWARE) for a bug. */
export function exitCodeFor(error: unknown): number {
  return isCutoutError(error) ? error.exitCode : ERROR_CODES.CUTOUT_E_INTERNAL.exit;
}
