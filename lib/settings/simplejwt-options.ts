import type { Duration } from '../common/duration.js';

/** Which token protocol the module speaks: djangorestframework-jwt's, simplejwt's, or both side by side. */
export type TokenProtocol = 'drf-jwt' | 'simplejwt' | 'both';

/** The token types simplejwt's authentication accepts (its `AUTH_TOKEN_CLASSES`). */
export type SimpleJwtAuthTokenType = 'access' | 'sliding';

/**
 * djangorestframework-simplejwt's `SIMPLE_JWT` settings, under their camelCase names and with its
 * defaults (5.5). The keys and the algorithm are the module's (`secretKey`, `privateKey`,
 * `algorithm`...): both apps share Django's SECRET_KEY. Used when `tokenProtocol` is
 * `'simplejwt'` or `'both'`.
 */
export interface SimpleJwtOptions {
  /** How long an access token lives (default 5 minutes). `ACCESS_TOKEN_LIFETIME`. */
  accessTokenLifetime?: Duration | undefined;
  /** How long a refresh token lives (default 1 day). `REFRESH_TOKEN_LIFETIME`. */
  refreshTokenLifetime?: Duration | undefined;
  /** The refresh endpoint also answers a new refresh token (default false). `ROTATE_REFRESH_TOKENS`. */
  rotateRefreshTokens?: boolean | undefined;
  /** With rotation, the refresh token given is blacklisted (default false). `BLACKLIST_AFTER_ROTATION`. */
  blacklistAfterRotation?: boolean | undefined;
  /**
   * A login calls `UserLookupService.updateLastLogin(user)`, which the app must then implement
   * (default false). `UPDATE_LAST_LOGIN`.
   */
  updateLastLogin?: boolean | undefined;
  /**
   * The accepted Authorization schemes, compared case-sensitively as simplejwt does; the first
   * is named by `WWW-Authenticate` (default `['Bearer']`). `AUTH_HEADER_TYPES`.
   */
  authHeaderTypes?: string | readonly string[] | undefined;
  /** The user's property written into tokens; users are found by it (default `'id'`). `USER_ID_FIELD`. */
  userIdField?: string | undefined;
  /** The claim that holds it (default `'user_id'`). `USER_ID_CLAIM`. */
  userIdClaim?: string | undefined;
  /** The claim that holds the token's type (default `'token_type'`). `TOKEN_TYPE_CLAIM`. */
  tokenTypeClaim?: string | undefined;
  /** The claim that holds the token's id (default `'jti'`). `JTI_CLAIM`. */
  jtiClaim?: string | undefined;
  /** An inactive user's tokens are refused (default true). `CHECK_USER_IS_ACTIVE`. */
  checkUserIsActive?: boolean | undefined;
  /**
   * Tokens carry a digest of the user's password hash, and a token whose digest no longer
   * matches is refused: a password change refuses older tokens (default false; the app's
   * `UserLookupService.getPasswordHash` gives the hash). `CHECK_REVOKE_TOKEN`.
   */
  checkRevokeToken?: boolean | undefined;
  /** The claim of that digest (default `'hash_password'`). `REVOKE_TOKEN_CLAIM`. */
  revokeTokenClaim?: string | undefined;
  /** Sliding tokens: until when they may be refreshed (default `'refresh_exp'`). `SLIDING_TOKEN_REFRESH_EXP_CLAIM`. */
  slidingTokenRefreshExpClaim?: string | undefined;
  /** How long a sliding token is accepted (default 5 minutes). `SLIDING_TOKEN_LIFETIME`. */
  slidingTokenLifetime?: Duration | undefined;
  /** How long a sliding token may be refreshed (default 1 day). `SLIDING_TOKEN_REFRESH_LIFETIME`. */
  slidingTokenRefreshLifetime?: Duration | undefined;
  /**
   * Serve the sliding views (obtain and refresh answer `{"token"}`) at the obtain and refresh
   * paths instead of the pair views, as simplejwt's docs wire them (default false). Not a
   * setting of simplejwt (its `urls.py`).
   */
  slidingTokens?: boolean | undefined;
  /**
   * The token types the guard accepts (default `['access']`, or `['sliding']` with
   * `slidingTokens`). `AUTH_TOKEN_CLASSES`.
   */
  authTokenClasses?: readonly SimpleJwtAuthTokenType[] | undefined;
  /** Written into new tokens as `aud`, and required of every token checked. `AUDIENCE`. */
  audience?: string | undefined;
  /** Written into new tokens as `iss`, and required of every token checked. `ISSUER`. */
  issuer?: string | undefined;
  /** Clock tolerance when checking `exp` (default 0). `LEEWAY`. */
  leeway?: Duration | undefined;
  /**
   * Cookie mode: the refresh token goes in an HttpOnly cookie of this name whose Path is the
   * refresh endpoint only, and the refresh and blacklist endpoints read it when the body has no
   * `refresh`. CSRF as the module's `csrf` option. Not in simplejwt.
   */
  refreshCookie?: string | undefined;
}

/** Where simplejwt's views are served, below the route prefix (its README's URLs by default). */
export interface SimpleJwtPaths {
  /** Default `'api/token'`: TokenObtainPairView (or TokenObtainSlidingView). */
  obtain?: string;
  /** Default `'api/token/refresh'`: TokenRefreshView (or TokenRefreshSlidingView). */
  refresh?: string;
  /** Default `'api/token/verify'`: TokenVerifyView. */
  verify?: string;
  /** Default `'api/token/blacklist'`: TokenBlacklistView. */
  blacklist?: string;
}
