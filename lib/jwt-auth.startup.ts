import type { JwtAuthSettings } from './settings/jwt-auth-settings.js';
import { tokenRoutePaths } from './transport/token-paths.js';

/** What the module-shaping options made of the module, for its start-up line. */
export interface ModuleShape {
  globalGuard: boolean;
  controller: boolean;
  routePrefix: string;
  jwks: boolean;
}

/**
 * The one line the module logs at start-up (level `log`, context `JwtAuth`): the algorithm, the
 * accepted Authorization schemes, where the endpoints are served and how the guard applies.
 * Names only: never a key, a secret or a path to a key file.
 */
export function startupLine(
  settings: Pick<JwtAuthSettings, 'algorithm' | 'authHeaderPrefixes' | 'verifyOnly' | 'authCookie'>,
  shape: ModuleShape,
  globalPrefix: string,
): string {
  const parts = [
    settings.verifyOnly ? `${settings.algorithm} (verify only)` : settings.algorithm,
    `Authorization: ${settings.authHeaderPrefixes.join(' | ')} <token>`,
  ];
  if (settings.authCookie !== undefined) parts.push(`cookie "${settings.authCookie.name}"`);
  if (shape.controller) {
    const paths = [...tokenRoutePaths(globalPrefix, shape.routePrefix)].map((path) => `${path}/`);
    // verifyOnly serves no login and no refresh (they answer 404).
    const served = settings.verifyOnly ? paths.filter((_, index) => index > 1) : paths;
    parts.push(`endpoints at ${served.join(', ')}`);
  } else {
    parts.push('no endpoints');
  }
  if (shape.jwks) parts.push(`JWKS at ${jwksPath(globalPrefix)}`);
  parts.push(shape.globalGuard ? 'guard global' : 'guard per route');
  return `JwtAuthModule: ${parts.join(', ')}`;
}

function jwksPath(globalPrefix: string): string {
  const base = globalPrefix.replace(/^\/+|\/+$/g, '');
  return `/${base === '' ? '' : `${base}/`}.well-known/jwks.json`;
}
