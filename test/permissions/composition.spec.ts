import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { permissionSpecProblem } from '../../lib/common/permission.js';
import { AndPermission, NotPermission, OrPermission } from '../../lib/permissions/composition.js';
import { and, BasePermission, IsAuthenticated, not, or } from '../../lib/permissions/index.js';
import type { Permission, PermissionRequest } from '../../lib/permissions/index.js';

const context = {} as ExecutionContext;
const request: PermissionRequest = { headers: {}, user: {} };

/** A permission with fixed answers, recording which of its methods ran. */
function fixed(has: boolean, hasObject: boolean, calls: string[] = [], name = 'p'): Permission {
  return {
    hasPermission: () => (calls.push(`${name}.has`), has),
    hasObjectPermission: () => (calls.push(`${name}.object`), hasObject),
  };
}

describe("DRF's AND, OR and NOT", () => {
  it.each([
    [true, true, true],
    [true, false, false],
    [false, true, false],
    [false, false, false],
  ])('AND %s %s: %s, for the request and for an object', async (a, b, both) => {
    const and = new AndPermission([fixed(a, a), fixed(b, b)]);
    expect(await and.hasPermission(request, context)).toBe(both);
    expect(await and.hasObjectPermission(request, context, {})).toBe(both);
  });

  it('AND stops at the first refusal, as Python `and` does', async () => {
    const calls: string[] = [];
    await new AndPermission([fixed(false, true, calls, 'a'), fixed(true, true, calls, 'b')]).hasPermission(
      request,
      context,
    );
    expect(calls).toEqual(['a.has']);
  });

  it('OR of object permissions needs an operand that grants both the request and the object', async () => {
    // a grants the object only by default (it refuses the request); b refuses the object.
    const or = new OrPermission([fixed(false, true), fixed(true, false)]);
    expect(await or.hasPermission(request, context)).toBe(true);
    expect(await or.hasObjectPermission(request, context, {})).toBe(false);
    expect(
      await new OrPermission([fixed(false, true), fixed(true, true)]).hasObjectPermission(request, context, {}),
    ).toBe(true);
  });

  it('NOT inverts the request and the object answers', async () => {
    const not = new NotPermission(fixed(true, false));
    expect(await not.hasPermission(request, context)).toBe(false);
    expect(await not.hasObjectPermission(request, context, {})).toBe(true);
  });

  it('an operand without hasObjectPermission grants every object (BasePermission)', async () => {
    const bare: Permission = { hasPermission: () => true };
    expect(await new AndPermission([bare, bare]).hasObjectPermission(request, context, {})).toBe(true);
  });
});

describe('and(), or(), not(): frozen descriptions of the composition', () => {
  it('keep their operands in order, three or more folded into one', () => {
    class A extends BasePermission {}
    expect(and(IsAuthenticated, A, not(A))).toEqual({ operator: 'and', operands: [IsAuthenticated, A, not(A)] });
    expect(or(A, IsAuthenticated)).toEqual({ operator: 'or', operands: [A, IsAuthenticated] });
    expect(Object.isFrozen(and(A, A))).toBe(true);
  });
});

describe('permissionSpecProblem', () => {
  it.each([
    [IsAuthenticated, undefined],
    [and(IsAuthenticated, or(IsAuthenticated, not(IsAuthenticated))), undefined],
    ['IsAuthenticated', 'got "IsAuthenticated"'],
    [class Plain {}, 'got class Plain'],
    [and(IsAuthenticated, 'x' as never), 'got "x"'],
    [undefined, 'got undefined'],
  ])('%p', (spec, problem) => {
    const found = permissionSpecProblem(spec);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
