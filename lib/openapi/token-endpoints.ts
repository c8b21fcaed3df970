import { HttpStatus } from '@nestjs/common';
import { RevocationUnavailableError } from '../common/errors.js';
import {
  BODY_TOO_LARGE_MESSAGE,
  badOrigin,
  CSRF_MESSAGES,
  ENDPOINT_MESSAGES,
  FIELD_BLANK,
  FIELD_REQUIRED,
  GUARD_MESSAGES,
  INVALID_CREDENTIALS,
  NOT_PROVIDED,
  type TokenRejection,
  throttledMessage,
} from '../common/messages.js';
import { NON_FIELD_ERRORS } from '../common/refusal.js';
import type { TokenHandler } from '../http/token-handlers.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { detailResponse, validationResponse } from './error-bodies.js';
import type { HeaderObject, ResponseObject, SchemaObject, SecurityRequirementObject } from './openapi-objects.js';
import { JWT_AUTH_SECURITY_SCHEME } from './security-scheme.js';

/** The body types every token endpoint reads, as DRF's default parsers do. */
export const REQUEST_BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** What the document says about one handler of the token controller. */
export interface OperationDoc {
  summary: string;
  description: string;
  requestBody?: { description: string; required: boolean; schema: SchemaObject };
  responses: Record<number, ResponseObject>;
  security: SecurityRequirementObject[];
}

/** Open to anyone: the Authorization header is ignored on these endpoints. */
const PUBLIC: SecurityRequirementObject[] = [];

const objectOf = (properties: Record<string, SchemaObject>, required: string[]): SchemaObject => ({
  type: 'object',
  // OpenAPI 3.0 (JSON Schema draft 4) wants at least one name in `required`, or no `required`.
  ...(required.length > 0 ? { required } : {}),
  properties,
});
const CREDENTIALS = objectOf({ username: { type: 'string' }, password: { type: 'string', format: 'password' } }, [
  'username',
  'password',
]);
const TOKEN = { type: 'string', description: 'A JSON Web Token.' } satisfies SchemaObject;
const NO_STORE: Record<string, HeaderObject> = {
  'Cache-Control': { description: 'Always `no-store`.', schema: { type: 'string', enum: ['no-store'] } },
};

const messagesOf = (reasons: readonly TokenRejection[]): string =>
  reasons.map((reason) => `\`${ENDPOINT_MESSAGES[reason]}\``).join(', ');
const VERIFY_REASONS: TokenRejection[] = [
  'expired',
  'decode',
  'invalid',
  'payload',
  'user_not_found',
  'user_inactive',
  'revoked',
];
const REFRESH_REASONS: TokenRejection[] = [...VERIFY_REASONS, 'refresh_required', 'refresh_expired'];

/** The documents of the token controller's handlers, by handler name (checked against TokenController). */
export function tokenEndpointDocs(settings: JwtAuthSettings): Partial<Record<TokenHandler, OperationDoc>> {
  const format = settings.errorFormat;
  const nonField = (summary: string, message: string) => ({ summary, errors: { [NON_FIELD_ERRORS]: [message] } });
  const tokenResponse: ResponseObject = {
    description: settings.responsePayloadHandler
      ? 'The body built by the app’s `responsePayloadHandler`.'
      : 'The token.',
    headers: NO_STORE,
    content: {
      'application/json': {
        schema: settings.responsePayloadHandler ? { type: 'object' } : objectOf({ token: TOKEN }, ['token']),
      },
    },
  };
  const bodyErrors = {
    [HttpStatus.PAYLOAD_TOO_LARGE]: detailResponse(format, HttpStatus.PAYLOAD_TOO_LARGE, 'The body is too large.', {
      tooLarge: { summary: 'Over the body size limits', message: BODY_TOO_LARGE_MESSAGE },
    }),
    [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: detailResponse(
      format,
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'A body that is not JSON, form-urlencoded or multipart.',
      { text: { summary: 'text/plain', message: 'Unsupported media type "text/plain" in request.' } },
    ),
  };
  // Refused, never let through, while the revocation store cannot answer (503 unless set to 401).
  const storeErrors: Record<number, ResponseObject> =
    settings.revocationUnavailableStatus === HttpStatus.SERVICE_UNAVAILABLE
      ? {
          [HttpStatus.SERVICE_UNAVAILABLE]: detailResponse(
            format,
            HttpStatus.SERVICE_UNAVAILABLE,
            'The revocation store cannot be reached.',
            { unavailable: { summary: 'Store unreachable', message: RevocationUnavailableError.MESSAGE } },
          ),
        }
      : {};
  // Cookie mode: a token taken from the cookie needs the CSRF header; a browser's cross-site
  // request is refused on every endpoint that sets or clears the cookies.
  const crossSite = {
    crossSite: { summary: 'Cross-site request', message: badOrigin('https://evil.example') },
  };
  const csrfErrors: Record<number, ResponseObject> =
    settings.authCookie !== undefined && settings.csrf !== undefined
      ? {
          [HttpStatus.FORBIDDEN]: detailResponse(
            format,
            HttpStatus.FORBIDDEN,
            `The token came from the \`${settings.authCookie.name}\` cookie without the \`${settings.csrf.cookieName}\` ` +
              `cookie's value in the \`${settings.csrf.headerName}\` header, or a browser sent the request from another ` +
              'origin (Origin, else Sec-Fetch-Site) that `csrf.trustedOrigins` does not list.',
            {
              missing: { summary: 'No CSRF header', message: CSRF_MESSAGES.missing },
              incorrect: { summary: 'Wrong CSRF header', message: CSRF_MESSAGES.incorrect },
              ...crossSite,
            },
          ),
        }
      : {};
  const loginCrossSiteErrors: Record<number, ResponseObject> =
    settings.authCookie !== undefined && settings.csrf !== undefined
      ? {
          [HttpStatus.FORBIDDEN]: detailResponse(
            format,
            HttpStatus.FORBIDDEN,
            'A browser sent the request from another origin (Origin, else Sec-Fetch-Site) that `csrf.trustedOrigins` does not list.',
            crossSite,
          ),
        }
      : {};
  const tokenField = (required: boolean): OperationDoc['requestBody'] => ({
    description: 'JSON, form-urlencoded or multipart.',
    required,
    schema: objectOf({ token: TOKEN }, required ? ['token'] : []),
  });
  /** A missing token, and refusals as examples named by their reason. */
  const tokenFieldErrors = (description: string, examples: [TokenRejection, string][]) =>
    validationResponse(format, description, ['token'], {
      missing: { summary: 'No token', errors: { token: [FIELD_REQUIRED] } },
      ...Object.fromEntries(
        examples.map(([reason, summary]) => [reason, nonField(summary, ENDPOINT_MESSAGES[reason])]),
      ),
    });
  const loginResponses: Record<number, ResponseObject> = {
    [HttpStatus.OK]: tokenResponse,
    [HttpStatus.BAD_REQUEST]: validationResponse(
      format,
      `Missing or blank fields, or \`${INVALID_CREDENTIALS}\` (wrong password, unknown or inactive user alike).`,
      ['username', 'password'],
      {
        missing: { summary: 'Missing fields', errors: { username: [FIELD_REQUIRED], password: [FIELD_REQUIRED] } },
        blank: { summary: 'A blank field', errors: { password: [FIELD_BLANK] } },
        credentials: nonField('Wrong credentials', INVALID_CREDENTIALS),
      },
    ),
    ...bodyErrors,
    ...loginCrossSiteErrors,
  };
  if (settings.loginThrottle) {
    loginResponses[HttpStatus.TOO_MANY_REQUESTS] = {
      ...detailResponse(
        format,
        HttpStatus.TOO_MANY_REQUESTS,
        'Too many login attempts for this username or client address.',
        {
          throttled: { summary: 'Throttled', message: throttledMessage(42) },
        },
      ),
      headers: {
        'Retry-After': { description: 'Seconds until the next attempt is allowed.', schema: { type: 'integer' } },
      },
    };
  }
  return {
    obtain: {
      summary: 'Obtain a token',
      description: 'A username and password for a token (djangorestframework-jwt’s `obtain_jwt_token`).',
      requestBody: { description: 'JSON, form-urlencoded or multipart.', required: true, schema: CREDENTIALS },
      responses: loginResponses,
      security: PUBLIC,
    },
    refresh: {
      summary: 'Refresh a token',
      description:
        'A new token (fresh `exp`, same `orig_iat`) for a valid token that carries `orig_iat`, within the refresh window. ' +
        'An expired token cannot be refreshed.',
      requestBody: tokenField(true),
      responses: {
        [HttpStatus.OK]: tokenResponse,
        [HttpStatus.BAD_REQUEST]: tokenFieldErrors(`A missing token, or one refused: ${messagesOf(REFRESH_REASONS)}.`, [
          ['expired', 'Expired'],
          ['refresh_expired', 'Refresh window over'],
        ]),
        ...csrfErrors,
        ...bodyErrors,
        ...storeErrors,
      },
      security: PUBLIC,
    },
    verify: {
      summary: 'Verify a token',
      description: 'The same token back when it, and its user, are valid.',
      requestBody: tokenField(true),
      responses: {
        [HttpStatus.OK]: tokenResponse,
        [HttpStatus.BAD_REQUEST]: tokenFieldErrors(`A missing token, or one refused: ${messagesOf(VERIFY_REASONS)}.`, [
          ['expired', 'Expired'],
          ['decode', 'Bad signature or malformed'],
        ]),
        ...csrfErrors,
        ...bodyErrors,
        ...storeErrors,
      },
      security: PUBLIC,
    },
    revoke: {
      summary: 'Revoke a token',
      description:
        'Revokes the token in the body or, without one, the token the request authenticates with ' +
        `(\`Authorization: ${settings.authHeaderPrefix} <token>\`).`,
      requestBody: tokenField(false),
      responses: {
        [HttpStatus.OK]: emptyResponse('Revoked (also when the token had expired or was revoked already).'),
        [HttpStatus.BAD_REQUEST]: tokenFieldErrors('A token that cannot be revoked.', [
          ['decode', 'Bad signature or malformed'],
          ['no_token_id', 'No `jti` claim'],
        ]),
        ...csrfErrors,
        ...bodyErrors,
        ...storeErrors,
      },
      // Anonymous (token in the body) or with the request's own credentials.
      security: [{}, { [JWT_AUTH_SECURITY_SCHEME]: [] }],
    },
    revokeAll: {
      summary: 'Revoke all tokens of the current user',
      description: 'Every token issued so far to the authenticated user stops working (log out everywhere).',
      responses: {
        [HttpStatus.OK]: emptyResponse('Revoked.'),
        [HttpStatus.UNAUTHORIZED]: unauthorizedResponse(settings),
        ...csrfErrors,
        ...storeErrors,
      },
      security: [{ [JWT_AUTH_SECURITY_SCHEME]: [] }],
    },
  };
}

function emptyResponse(description: string): ResponseObject {
  return {
    description,
    headers: NO_STORE,
    content: { 'application/json': { schema: { type: 'object', additionalProperties: false, example: {} } } },
  };
}

/** JwtAuthGuard's refusals: always 401, with the challenge header. */
export function unauthorizedResponse(settings: JwtAuthSettings): ResponseObject {
  return {
    ...detailResponse(settings.errorFormat, HttpStatus.UNAUTHORIZED, 'No valid credentials.', {
      missing: { summary: 'No credentials', message: NOT_PROVIDED },
      expired: { summary: 'Expired token', message: GUARD_MESSAGES.expired },
    }),
    headers: {
      'WWW-Authenticate': {
        description: `\`${settings.authHeaderPrefix} realm="api"\``,
        schema: { type: 'string', enum: [`${settings.authHeaderPrefix} realm="api"`] },
      },
    },
  };
}

/** The answer to GET, PUT, PATCH and DELETE on a path whose only method is POST. */
export function methodNotAllowedResponse(settings: JwtAuthSettings): ResponseObject {
  return {
    ...detailResponse(
      settings.errorFormat,
      HttpStatus.METHOD_NOT_ALLOWED,
      'Any other method than POST (GET, PUT, PATCH, DELETE) on this path.',
      { get: { summary: 'GET', message: 'Method "GET" not allowed.' } },
    ),
    headers: { Allow: { description: 'Always `POST`.', schema: { type: 'string', enum: ['POST'] } } },
  };
}
