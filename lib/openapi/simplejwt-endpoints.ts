import { HttpStatus } from '@nestjs/common';
import { SIMPLE_JWT_MESSAGES as M } from '../common/messages.js';
import type { SimpleJwtSettings } from '../settings/simplejwt-settings.js';
import { validationResponse } from './error-bodies.js';
import type { ResponseObject, SchemaObject } from './openapi-objects.js';
import type { OperationDoc } from './token-endpoints.js';

const JSON_TYPE = 'application/json';
const TOKEN: SchemaObject = { type: 'string', description: 'A JSON Web Token.' };
const objectOf = (properties: Record<string, SchemaObject>, required: string[]): SchemaObject => ({
  type: 'object',
  ...(required.length > 0 ? { required } : {}),
  properties,
});

/** simplejwt's 401 bodies: `{"detail", "code"}`, and DRF's own `{"detail"}` at login. */
function unauthorized(description: string, examples: Record<string, object>): ResponseObject {
  return {
    description: `${description} With \`WWW-Authenticate\` naming the first of \`authHeaderTypes\`.`,
    content: {
      [JSON_TYPE]: {
        schema: objectOf({ detail: { type: 'string' }, code: { type: 'string' } }, ['detail']),
        examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { summary: name, value }])),
      },
    },
  };
}

const tokenError = (message: string) => ({ detail: message, code: 'token_not_valid' });
const fieldErrors = (field: string) =>
  validationResponse('drf', 'A missing or blank field.', [field], {
    required: { summary: 'No field', errors: { [field]: ['This field is required.'] } },
  });
const ok = (description: string, properties: Record<string, SchemaObject>): ResponseObject => ({
  description,
  content: { [JSON_TYPE]: { schema: objectOf(properties, Object.keys(properties)) } },
});
const body = (description: string, properties: Record<string, SchemaObject>) => ({
  description,
  required: true,
  schema: objectOf(properties, Object.keys(properties)),
});

/** The documents of simplejwt's views (SimpleJwtController's handlers), in simplejwt's bodies. */
export function simpleJwtEndpointDocs(settings: SimpleJwtSettings): Record<string, OperationDoc> {
  const sliding = settings.slidingTokens;
  const refreshField = sliding ? 'token' : 'refresh';
  const rotated: Record<string, SchemaObject> = settings.rotateRefreshTokens ? { refresh: TOKEN } : {};
  return {
    obtain: {
      summary: sliding ? 'Obtain a sliding token (simplejwt)' : 'Obtain an access and a refresh token (simplejwt)',
      description: sliding ? "simplejwt's TokenObtainSlidingView." : "simplejwt's TokenObtainPairView.",
      security: [],
      requestBody: body('The credentials.', {
        username: { type: 'string' },
        password: { type: 'string', format: 'password' },
      }),
      responses: {
        [HttpStatus.OK]: ok('The tokens.', sliding ? { token: TOKEN } : { refresh: TOKEN, access: TOKEN }),
        [HttpStatus.BAD_REQUEST]: fieldErrors('username'),
        [HttpStatus.UNAUTHORIZED]: unauthorized('Wrong credentials, or an inactive user.', {
          credentials: { detail: M.noActiveAccount },
        }),
      },
    },
    refresh: {
      summary: sliding ? 'Refresh a sliding token (simplejwt)' : 'An access token for a refresh token (simplejwt)',
      description: sliding ? "simplejwt's TokenRefreshSlidingView." : "simplejwt's TokenRefreshView.",
      security: [],
      requestBody: body(`The ${sliding ? 'sliding' : 'refresh'} token.`, { [refreshField]: TOKEN }),
      responses: {
        [HttpStatus.OK]: ok('The new token(s).', sliding ? { token: TOKEN } : { access: TOKEN, ...rotated }),
        [HttpStatus.BAD_REQUEST]: fieldErrors(refreshField),
        [HttpStatus.UNAUTHORIZED]: unauthorized('A token that cannot be refreshed.', {
          expired: tokenError(M.expired),
          invalid: tokenError(M.invalid),
          wrongType: tokenError(M.wrongType),
          blacklisted: tokenError(M.blacklisted),
          ...(sliding ? { refreshExpired: tokenError(M.claimExpired(settings.slidingTokenRefreshExpClaim)) } : {}),
          inactive: { detail: M.noActiveAccountForToken },
        }),
      },
    },
    verify: {
      summary: 'Verify a token (simplejwt)',
      description: "simplejwt's TokenVerifyView: any valid token, of any type, answers `{}`.",
      security: [],
      requestBody: body('The token.', { token: TOKEN }),
      responses: {
        [HttpStatus.OK]: ok('The token is valid.', {}),
        [HttpStatus.BAD_REQUEST]: fieldErrors('token'),
        [HttpStatus.UNAUTHORIZED]: unauthorized('An invalid or expired token.', {
          expired: tokenError(M.expired),
          invalid: tokenError(M.invalid),
        }),
      },
    },
    blacklist: {
      summary: 'Blacklist a refresh token (simplejwt)',
      description: "simplejwt's TokenBlacklistView: the refresh token is refused from now on, on every instance.",
      security: [],
      requestBody: body('The refresh token.', { refresh: TOKEN }),
      responses: {
        [HttpStatus.OK]: ok('Blacklisted.', {}),
        [HttpStatus.BAD_REQUEST]: fieldErrors('refresh'),
        [HttpStatus.UNAUTHORIZED]: unauthorized('A token that cannot be blacklisted.', {
          blacklisted: tokenError(M.blacklisted),
          wrongType: tokenError(M.wrongType),
        }),
      },
    },
  };
}
