import type { Readable } from 'node:stream';
import { bodyStreamOf, type HttpRequestLike, sentContentType } from './http-adapter.js';
import { type BodySource, type ParsedBody, parseDrfBody } from './drf-parsers.js';

export type { BodySource } from './drf-parsers.js';

/**
 * The most a token endpoint reads of a body, on both adapters (on Fastify, the app's
 * `bodyLimit` when lower): 1 MiB, Fastify's default. Over it the answer is a 413 in the
 * module's error format, never a login with a cut field.
 */
export const BODY_LIMIT = 1024 * 1024;

/** What the Fastify parser of the token routes gives for a body over the limit. */
export const BODY_TOO_LARGE = Symbol('nest-rest-jwt:body-too-large');

/** The bytes of a token route's body, as the Fastify parser of the token routes hands them over. */
export class RawBody {
  constructor(readonly bytes: Buffer) {}
}

export type ReadBody = ParsedBody;

/**
 * The body of a request to a token endpoint, read from the bytes the client sent and parsed as
 * djangorestframework parses it (drf-parsers.ts), whichever adapter carried it: on Fastify the
 * token routes' own parser hands over the bytes (fastify-routes.ts); on Express the adapter's
 * body parsers let the token routes by (express-routes.ts) and the stream is read here. A body
 * that something else already parsed (an app's own middleware) is read as it was parsed.
 */
export async function readRequestBody(request: HttpRequestLike): Promise<ReadBody> {
  const contentType = sentContentType(request);
  if (request.body === BODY_TOO_LARGE) return { kind: 'too-large' };
  if (request.body instanceof RawBody) return parseDrfBody(request.body.bytes, contentType);
  const stream = bodyStreamOf(request);
  if (isUnread(stream)) {
    const bytes = await readBytes(stream, request.headers['content-length'], BODY_LIMIT);
    return bytes === BODY_TOO_LARGE ? { kind: 'too-large' } : parseDrfBody(bytes, contentType);
  }
  return alreadyParsed(request.body, contentType);
}

function isUnread(stream: Readable): boolean {
  return typeof stream.on === 'function' && stream.readableEnded === false && stream.readableFlowing !== true;
}

/**
 * Reads a body up to `limit` bytes. A body declared or found larger gives BODY_TOO_LARGE; the
 * rest of it is read and dropped, as Express's body parser does, so that the client gets the answer.
 */
export function readBytes(
  stream: Readable,
  declaredLength: unknown,
  limit: number,
): Promise<Buffer | typeof BODY_TOO_LARGE> {
  return new Promise((resolve) => {
    if (Number(declaredLength) > limit) {
      stream.resume();
      resolve(BODY_TOO_LARGE);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: Buffer | typeof BODY_TOO_LARGE) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) {
        settle(BODY_TOO_LARGE);
        stream.resume();
        return;
      }
      chunks.push(bytes);
    };
    stream.on('data', onData);
    stream.once('end', () => settle(Buffer.concat(chunks)));
    // A client that goes away mid-body gets no answer; what was read is enough to finish.
    stream.once('error', () => settle(Buffer.concat(chunks)));
    stream.once('close', () => settle(Buffer.concat(chunks)));
  });
}

/** A body an app's own middleware parsed before the module could read it: JSON or form data as given. */
function alreadyParsed(body: unknown, contentType: string | undefined): ReadBody {
  const source: BodySource = /^\s*application\/json/i.test(contentType ?? '') ? 'json' : 'form';
  return { kind: 'data', data: body ?? {}, source };
}
