import { JwtAuthConfigError } from './errors.js';

/**
 * What the global guard may leave alone: a path pattern (`'/health'`, `'/metrics/**'`), a RegExp
 * tested against the route's path, or a controller class (or resolver, or message controller).
 */
// `abstract new` accepts any class, abstract ones included; the guard compares it with `===`.
export type GlobalGuardExclusion = string | RegExp | (abstract new (...args: never[]) => unknown);

/** The exclusions, checked once at start-up and ready to match. */
export interface RouteExclusions {
  readonly patterns: readonly ((template: string) => boolean)[];
  readonly controllers: ReadonlySet<unknown>;
}

const OPTION = 'globalGuardExclude';

/** A segment of a pattern: literal text of a route path, a parameter, or a wildcard on its own. */
const SEGMENT = /^(\*\*|\*|:?[A-Za-z0-9._~!$&'()+,;=@-]+)$/;

/**
 * Checks `globalGuardExclude` and compiles it. Strings are full route paths as the client sees
 * them (the global prefix and URI version included), matched segment by segment against the
 * route's declared path: `*` is exactly one segment, `**` any number (none included), every
 * other segment literal and case-sensitive; a trailing slash is ignored on both sides. Throws
 * JwtAuthConfigError naming the entry.
 */
export function compileExclusions(raw: unknown): RouteExclusions {
  if (raw === undefined) return { patterns: [], controllers: new Set() };
  if (!Array.isArray(raw)) {
    throw new JwtAuthConfigError(OPTION, "must be an array of paths ('/health'), RegExps or controller classes");
  }
  const patterns: ((template: string) => boolean)[] = [];
  const controllers = new Set<unknown>();
  raw.forEach((entry: unknown, index) => {
    const option = `${OPTION}[${index}]`;
    if (typeof entry === 'function') controllers.add(entry);
    else if (entry instanceof RegExp) patterns.push(regExpMatcher(entry, option));
    else if (typeof entry === 'string') patterns.push(globMatcher(entry, option));
    else {
      throw new JwtAuthConfigError(
        option,
        `must be a path ('/health'), a RegExp or a controller class (got ${JSON.stringify(entry) ?? typeof entry})`,
      );
    }
  });
  return { patterns, controllers };
}

/** Whether the route (its declared path, when HTTP) or its controller class is excluded. */
export function isExcluded(exclusions: RouteExclusions, controller: unknown, template: string | undefined): boolean {
  if (exclusions.controllers.has(controller)) return true;
  if (template === undefined) return false;
  const path = withoutTrailingSlash(template);
  return exclusions.patterns.some((matches) => matches(path));
}

const withoutTrailingSlash = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

function regExpMatcher(pattern: RegExp, option: string): (template: string) => boolean {
  // A global or sticky RegExp keeps state between tests: the same path would match every other time.
  if (pattern.global || pattern.sticky) {
    throw new JwtAuthConfigError(option, `must not have the g or y flag (got ${String(pattern)})`);
  }
  return (template) => pattern.test(template);
}

function globMatcher(pattern: string, option: string): (template: string) => boolean {
  const segments = withoutTrailingSlash(pattern).split('/').slice(1);
  const bad = segments.find((segment) => !SEGMENT.test(segment));
  if (!pattern.startsWith('/') || (pattern !== '/' && bad !== undefined)) {
    throw new JwtAuthConfigError(
      option,
      `must be a path starting with "/", each segment text, ":param", "*" or "**" (got ${JSON.stringify(pattern)})`,
    );
  }
  const wanted = pattern === '/' ? [] : segments;
  return (template) => matchSegments(wanted, template === '/' ? [] : template.split('/').slice(1));
}

function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return path.some((_, skip) => matchSegments(rest, path.slice(skip))) || matchSegments(rest, []);
  if (path.length === 0) return false;
  return (head === '*' || head === path[0]) && matchSegments(rest, path.slice(1));
}
