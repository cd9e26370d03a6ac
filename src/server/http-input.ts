/**
 * Reads what a request carries — files and option fields — whatever its shape: multipart/form-data, a raw
 * image body (image/*, application/octet-stream), JSON or a urlencoded form, plus the query string.
 * Everything is held in memory (never written to disk) and capped by the server's body limit.
 */
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

export class InputError extends Error {
  constructor(
    message: string,
    readonly kind: 'too_large' | 'malformed' | 'content_type',
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export interface RequestInput {
  files: Map<string, Uint8Array>;
  fields: Record<string, unknown>;
}

export async function readRequestInput(
  request: FastifyRequest,
  options: { rawField: string; maxBytes: number },
): Promise<RequestInput> {
  const input: RequestInput = {
    files: new Map(),
    fields: { ...((request.query as Record<string, unknown>) ?? {}) },
  };
  if (request.isMultipart()) {
    try {
      await readMultipart(request, input, options.maxBytes);
    } catch (error) {
      // The parser's own errors (no boundary, broken framing) carry no status: they are the client's.
      if (error instanceof InputError || typeof (error as { statusCode?: number }).statusCode === 'number') {
        throw error;
      }
      throw new InputError(`malformed multipart body: ${(error as Error).message}`, 'malformed');
    }
    return input;
  }
  const body = request.body;
  if (body instanceof Uint8Array) {
    if (body.length > 0) input.files.set(options.rawField, new Uint8Array(body));
  } else if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) input.fields[key] = value;
  }
  return input;
}

async function readMultipart(request: FastifyRequest, input: RequestInput, maxBytes: number): Promise<void> {
  let total = 0;
  const tooLarge = () => new InputError(`the request is larger than ${maxBytes} bytes`, 'too_large');
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      total += bytes.length;
      if (total > maxBytes) throw tooLarge();
      if (input.files.has(part.fieldname)) {
        throw new InputError(`more than one '${part.fieldname}' file`, 'malformed');
      }
      input.files.set(part.fieldname, new Uint8Array(bytes));
    } else {
      if (part.valueTruncated) throw tooLarge();
      total += String(part.value).length;
      if (total > maxBytes) throw tooLarge();
      input.fields[part.fieldname] = part.value;
    }
  }
}

/** Parses application/x-www-form-urlencoded into an object of strings (no package needed). */
export function parseUrlEncoded(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}
