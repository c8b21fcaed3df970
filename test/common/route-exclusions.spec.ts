import { describe, expect, it } from '@jest/globals';
import { compileExclusions, isExcluded } from '../../lib/common/route-exclusions.js';

class HealthController {}
class OtherController {}

const matches = (pattern: string | RegExp, template: string) =>
  isExcluded(compileExclusions([pattern]), OtherController, template);

describe('globalGuardExclude patterns', () => {
  it.each([
    ['/health', '/health', true],
    ['/health', '/health/', true],
    ['/health/', '/health', true],
    ['/health', '/health-admin', false],
    ['/health', '/healthz', false],
    ['/health', '/Health', false],
    ['/health', '/health/live', false],
    ['/health', '/api/health', false],
    ['/health/*', '/health/live', true],
    ['/health/*', '/health', false],
    ['/health/*', '/health/live/deep', false],
    ['/health/**', '/health', true],
    ['/health/**', '/health/live/deep', true],
    ['/health/**', '/health-admin/live', false],
    ['/**/health', '/health', true],
    ['/**/health', '/v1/api/health', true],
    ['/**/health', '/v1/api/health/admin', false],
    ['/users/:id', '/users/:id', true],
    ['/users/:id', '/users/42', false],
    ['/', '/', true],
    ['/', '/admin', false],
    ['/**', '/anything/at/all', true],
  ])('%s against the route %s: %s', (pattern, template, expected) => {
    expect(matches(pattern, template)).toBe(expected);
  });

  it('a RegExp is tested against the declared path, its trailing slash removed', () => {
    expect(matches(/^\/health$/, '/health/')).toBe(true);
    expect(matches(/^\/health$/, '/health-admin')).toBe(false);
  });

  it('a controller class matches the handler class itself, whatever the path', () => {
    const exclusions = compileExclusions([HealthController]);
    expect(isExcluded(exclusions, HealthController, undefined)).toBe(true);
    expect(isExcluded(exclusions, OtherController, '/health')).toBe(false);
  });

  it('no path (not HTTP, or no route recorded): only classes can match', () => {
    expect(isExcluded(compileExclusions(['/**']), OtherController, undefined)).toBe(false);
  });
});
