import { createRequire } from 'node:module';
import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, plus Node's own `require` for test/support/nestjs-throttler.ts:
 * @nestjs/throttler is CommonJS and requires ESM-only Nest 12, which Node (>= 20.19) allows and
 * Jest's module registry does not before Node 24.9. Nothing else changes.
 */
export default class NodeEnvironmentWithNodeRequire extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__nodeRequire = createRequire(import.meta.url);
  }
}
