import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { bodyStreamOf, type HttpRequestLike, sentContentType } from './http-adapter.js';

/** Where the data came from: form values may be repeated, and then the last one counts. */
export type BodySource = 'json' | 'form';

/** The body types the token endpoints accept, as DRF's default parsers do. */
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
export const MULTIPART_TYPE = 'multipart/form-data';

/**
 * Bounds for multipart bodies, which no adapter parses for us. A body that reaches any of them
 * (a field of 64 KiB or more, more than 20 parts, more than `MULTIPART_BODY_LIMIT` bytes) is
 * refused with 413: a truncated or dropped field must never be read as a shorter login.
 */
const MULTIPART_LIMITS = { fields: 20, fieldSize: 64 * 1024, files: 0, parts: 20 };
/** 1 MiB, Fastify's default `bodyLimit` (on Fastify, the app's `bodyLimit` when lower). */
export const MULTIPART_BODY_LIMIT = 1024 * 1024;

/** What parseMultipart gives for a body over the limits. */
export const BODY_TOO_LARGE = Symbol('nest-rest-jwt:body-too-large');

const ACCEPTED_TYPES: readonly string[] = [JSON_TYPE, FORM_TYPE, MULTIPART_TYPE];

/** The media type of a Content-Type value, lower-cased and without parameters. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

export function isAcceptedContentType(contentType: string): boolean {
  return ACCEPTED_TYPES.includes(mediaTypeOf(contentType));
}

export type ReadBody =
  | { kind: 'data'; data: unknown; source: BodySource }
  | { kind: 'unsupported'; contentType: string }
  | { kind: 'too-large' };

/**
 * The body of a request to a token endpoint, whichever adapter parsed it. JSON and form bodies
 * come parsed by the adapter; multipart bodies are parsed here on Express (which leaves them
 * alone) and by the parser fastify-routes.ts adds on Fastify, which gives BODY_TOO_LARGE as the
 * body when a multipart body is over the limits. The type is the one the client sent: on
 * Fastify an unsupported one reaches here parsed as text (see fastify-routes.ts).
 */
export async function readRequestBody(request: HttpRequestLike): Promise<ReadBody> {
  if (request.body === BODY_TOO_LARGE) return { kind: 'too-large' };
  const contentType = sentContentType(request);
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
    const data =
      request.body !== undefined ? request.body : await parseMultipart(bodyStreamOf(request), request.headers);
    if (data === BODY_TOO_LARGE) return { kind: 'too-large' };
    return { kind: 'data', data, source: 'form' };
  }
  return { kind: 'unsupported', contentType };
}

/**
 * Collects the text fields of a multipart body; file parts are skipped. A body over the limits
 * (see MULTIPART_LIMITS) gives BODY_TOO_LARGE; the rest of it is read and dropped, as Express's
 * body parser does, so that the client gets the answer.
 */
export function parseMultipart(
  stream: Readable,
  headers: HttpRequestLike['headers'],
  maxBytes = MULTIPART_BODY_LIMIT,
): Promise<Record<string, string[]> | typeof BODY_TOO_LARGE> {
  return new Promise((resolve) => {
    const fields: Record<string, string[]> = Object.create(null);
    if (Number(headers['content-length']) > maxBytes) {
      stream.resume();
      resolve(BODY_TOO_LARGE);
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: headers as IncomingHttpHeaders, limits: MULTIPART_LIMITS });
    } catch {
      // No or malformed boundary: nothing can be read, so the body counts as empty.
      resolve(fields);
      return;
    }
    let overLimit = false;
    let received = 0;
    const count = (chunk: Buffer | string) => {
      received += chunk.length;
      if (received <= maxBytes) return;
      stream.off('data', count);
      stream.unpipe(parser);
      stream.resume();
      resolve(BODY_TOO_LARGE);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) overLimit = true;
      else (fields[name] ??= []).push(value);
    });
    parser.on('fieldsLimit', () => (overLimit = true));
    parser.on('partsLimit', () => (overLimit = true));
    parser.on('file', (_name, file) => file.resume());
    parser.on('close', () => resolve(overLimit ? BODY_TOO_LARGE : fields));
    parser.on('error', () => resolve(overLimit ? BODY_TOO_LARGE : fields));
    stream.on('data', count);
    stream.pipe(parser);
  });
}
