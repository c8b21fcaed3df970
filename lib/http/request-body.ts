import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { BodySource } from './drf-fields.js';

/** The body types the token endpoints accept, as DRF's default parsers do. */
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
export const MULTIPART_TYPE = 'multipart/form-data';

/** Bounds for multipart bodies, which no adapter parses for us. */
const MULTIPART_LIMITS = { fields: 20, fieldSize: 64 * 1024, files: 0, parts: 20 };

const ACCEPTED_TYPES: readonly string[] = [JSON_TYPE, FORM_TYPE, MULTIPART_TYPE];

/** The media type of a Content-Type value, lower-cased and without parameters. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

export function isAcceptedContentType(contentType: string): boolean {
  return ACCEPTED_TYPES.includes(mediaTypeOf(contentType));
}

/**
 * Raw requests whose content type the module refuses but Fastify would have refused first, in
 * its own words: FastifyCompat lets them through and notes the type here (see there).
 */
export const refusedContentTypes = new WeakMap<object, string>();

export type ReadBody =
  { kind: 'data'; data: unknown; source: BodySource } | { kind: 'unsupported'; contentType: string };

interface AdapterRequest {
  headers: IncomingHttpHeaders;
  body?: unknown;
  /** Express: the request is the stream. Fastify: the stream is `raw`. */
  raw?: Readable;
}

/**
 * The body of a request to a token endpoint, whichever adapter parsed it. JSON and form bodies
 * come parsed by the adapter; multipart bodies are parsed here on Express (which leaves them
 * alone) and by the parser `registerMultipartParser` adds on Fastify.
 */
export async function readRequestBody(request: AdapterRequest): Promise<ReadBody> {
  const refused = refusedContentTypes.get(request.raw ?? request);
  if (refused !== undefined) return { kind: 'unsupported', contentType: refused };
  const contentType = request.headers['content-type'];
  if (contentType === undefined || contentType.trim() === '') {
    // No declared type: DRF treats the body as empty.
    return { kind: 'data', data: {}, source: 'form' };
  }
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === JSON_TYPE) {
    return { kind: 'data', data: request.body === undefined ? {} : request.body, source: 'json' };
  }
  if (mediaType === FORM_TYPE) {
    return { kind: 'data', data: request.body ?? {}, source: 'form' };
  }
  if (mediaType === MULTIPART_TYPE) {
    // Unparsed: Express leaves multipart alone, and @fastify/multipart leaves the stream unread.
    const stream = request.raw ?? (request as unknown as Readable);
    const data = request.body !== undefined ? request.body : await parseMultipart(stream, request.headers);
    return { kind: 'data', data, source: 'form' };
  }
  return { kind: 'unsupported', contentType };
}

/** Collects the text fields of a multipart body; file parts are drained and ignored. */
export function parseMultipart(stream: Readable, headers: IncomingHttpHeaders): Promise<Record<string, string[]>> {
  return new Promise((resolve) => {
    const fields: Record<string, string[]> = Object.create(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: MULTIPART_LIMITS });
    } catch {
      // No or malformed boundary: nothing can be read, so the body counts as empty.
      resolve(fields);
      return;
    }
    parser.on('field', (name, value) => {
      (fields[name] ??= []).push(value);
    });
    parser.on('file', (_name, file) => file.resume());
    parser.on('close', () => resolve(fields));
    parser.on('error', () => resolve(fields));
    stream.pipe(parser);
  });
}
