/** The paths of the token endpoints, below the optional route prefix: upstream's three, then logout. */
export const TOKEN_ROUTES = [
  'api-token-auth',
  'api-token-refresh',
  'api-token-verify',
  'api-token-revoke',
  'api-token-revoke-all',
] as const;
