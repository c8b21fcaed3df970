/** @type {import('jest').Config} */
export default {
  // Jest's node environment plus Node's own require, for @nestjs/throttler (see the file).
  testEnvironment: '<rootDir>/test/support/jest-node-environment.js',
  roots: ['<rootDir>/lib', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // The apps of test/consumers run their own tests, with their own runner, once installed.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/fixtures/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^nest-rest-jwt$': '<rootDir>/lib/index.ts',
    // @nestjs/throttler (CommonJS) requires ESM-only @nestjs/common: see the file.
    '^@nestjs/throttler$': '<rootDir>/test/support/nestjs-throttler.ts',
    // @fastify/static (CommonJS, for Swagger UI on Fastify) requires an ESM-only package: see the file.
    '^@fastify/static$': '<rootDir>/test/support/fastify-static.ts',
    // The subpath entry points of package.json "exports", as the package's users import them.
    '^nest-rest-jwt/django-passwords$': '<rootDir>/lib/passwords/index.ts',
    '^nest-rest-jwt/openapi$': '<rootDir>/lib/openapi/index.ts',
    '^nest-rest-jwt/redis$': '<rootDir>/lib/redis/index.ts',
    '^nest-rest-jwt/websockets$': '<rootDir>/lib/websockets/index.ts',
    '^nest-rest-jwt/testing$': '<rootDir>/lib/testing/index.ts',
    '^nest-rest-jwt/permissions$': '<rootDir>/lib/permissions/index.ts',
    '^nest-rest-jwt/login$': '<rootDir>/lib/login/index.ts',
    '^nest-rest-jwt/audit$': '<rootDir>/lib/audit/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.spec.json' }],
  },
  testTimeout: 30000,
  // Each test file's ES modules stay in memory under --experimental-vm-modules: a single process
  // running them all grew past 4 GB, near V8's heap limit, where GC made the last files slow.
  // With a limit, the tests run in a worker, replaced once it holds more than this between files.
  workerIdleMemoryLimit: '1GB',
};
