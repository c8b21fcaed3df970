/**
 * Jest only: jest.config.js maps `@fastify/static` here. SwaggerModule serves Swagger UI's files
 * on Fastify with it, and it `require()`s an ESM-only package (content-disposition 2), which
 * Node (>= 20.19) allows and Jest's module registry does not before Node 24.9. So under Jest
 * the real package is loaded by Node's own require, as in test/support/nestjs-throttler.ts.
 */
const { __nodeRequire: nodeRequire } = globalThis as unknown as { __nodeRequire?: (id: string) => unknown };
if (typeof nodeRequire !== 'function') {
  throw new Error('test/support/fastify-static.ts needs the test environment test/support/jest-node-environment.js');
}

export default nodeRequire('@fastify/static');
