/**
 * Jest only: jest.config.js maps `@nestjs/throttler` here. The package is CommonJS and
 * `require()`s @nestjs/common, which is ESM-only in Nest 12. Node >= 20.19 allows that
 * (require(esm)), so the library imports the package as usual; Jest's module registry does not
 * before Node 24.9 ("Must use import to load ES Module"). So under Jest the real package is
 * loaded by Node's own require (handed over by test/support/jest-node-environment.js) and the
 * values the library and the tests use are re-exported here; types come from the package.
 */
type Throttler = typeof import('@nestjs/throttler');

const { __nodeRequire: nodeRequire } = globalThis as unknown as { __nodeRequire?: (id: string) => unknown };
if (typeof nodeRequire !== 'function') {
  throw new Error('test/support/nestjs-throttler.ts needs the test environment test/support/jest-node-environment.js');
}
const throttler = nodeRequire('@nestjs/throttler') as Throttler;

export const { ThrottlerStorageService, normalizeIp } = throttler;
