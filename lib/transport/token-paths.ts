import { TOKEN_ROUTES } from '../common/routes.js';

/**
 * The paths of the token endpoints as served (the app's global prefix, the module's route
 * prefix, the route), without a trailing slash.
 */
export function tokenRoutePaths(
  globalPrefix: string,
  routePrefix: string,
  routes: readonly string[] = TOKEN_ROUTES,
): Set<string> {
  const base = [globalPrefix, routePrefix].map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '');
  return new Set(routes.map((route) => '/' + [...base, route].join('/')));
}

/**
 * Whether a request path (no query string) is a token endpoint's: `'exact'`, `'other-case'`
 * (the same letters in another case: upstream's URL patterns and Fastify's router match case,
 * so this is no token endpoint), or undefined. One trailing slash is allowed, as both are served.
 */
export function matchTokenPath(path: string, paths: ReadonlySet<string>): 'exact' | 'other-case' | undefined {
  const bare = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (paths.has(bare)) return 'exact';
  const lower = bare.toLowerCase();
  for (const candidate of paths) if (candidate.toLowerCase() === lower) return 'other-case';
  return undefined;
}
