import { HttpException } from '@nestjs/common';
import type { Refusal } from '../common/refusal.js';
import { type HttpResponseLike, setHeader } from '../transport/http-adapter.js';

/**
 * simplejwt's renderer: a refusal as its views and JWTAuthentication answer it, byte for byte,
 * whatever the module's `errorFormat` (simplejwt's clients read its bodies): serializer errors
 * as DRF's `{field: [messages]}`, else `{"detail"[, "code"][, "messages"]}`. Every 401 names the
 * first of `authHeaderTypes` in `WWW-Authenticate` (`Bearer realm="api"`), as DRF does.
 */
export function renderSimpleJwtRefusal(refusal: Refusal, response: HttpResponseLike, challenge: string): HttpException {
  if (refusal.status === 401) setHeader(response, 'WWW-Authenticate', challenge);
  for (const [name, value] of Object.entries(refusal.headers ?? {})) setHeader(response, name, value);
  return new HttpException(simpleJwtBody(refusal), refusal.status);
}

/** The body alone (also what a GraphQL or socket transport could carry). */
export function simpleJwtBody(refusal: Refusal): object {
  if (refusal.fieldErrors !== undefined) return refusal.fieldErrors;
  const body: Record<string, unknown> = { detail: refusal.message };
  if (refusal.code !== undefined) body.code = refusal.code;
  if (refusal.messages !== undefined) body.messages = refusal.messages;
  return body;
}

/** `Bearer realm="api"`: simplejwt's `authenticate_header`, with the first accepted scheme. */
export function simpleJwtChallenge(authHeaderTypes: readonly string[]): string {
  return `${authHeaderTypes[0]} realm="api"`;
}
