import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public } from '../../lib/index.js';
import { isPublic } from '../../lib/guards/public.decorator.js';

/** isPublic reads a route's metadata once: metadata is fixed once the app is built. */
class CountingReflector extends Reflector {
  reads = 0;
  override getAllAndOverride<T>(...args: Parameters<Reflector['getAllAndOverride']>): T {
    this.reads++;
    return super.getAllAndOverride(...args) as T;
  }
}

class Routes {
  @Public()
  open(): void {}
  guarded(): void {}
}

@Public()
class OpenRoutes {
  guarded(): void {}
}

const contextOf = (owner: object, handler: object): ExecutionContext =>
  ({ getClass: () => owner, getHandler: () => handler }) as unknown as ExecutionContext;

describe('isPublic', () => {
  it('answers as the metadata says, reading it once per class and handler', () => {
    const reflector = new CountingReflector();
    const routes = Routes.prototype;
    for (let i = 0; i < 3; i++) {
      expect(isPublic(reflector, contextOf(Routes, routes.open))).toBe(true);
      expect(isPublic(reflector, contextOf(Routes, routes.guarded))).toBe(false);
      expect(isPublic(reflector, contextOf(OpenRoutes, OpenRoutes.prototype.guarded))).toBe(true);
    }
    expect(reflector.reads).toBe(3);
  });

  it('keeps each class apart: a handler shared with a @Public() subclass answers per class', () => {
    class Guarded {
      route(): void {}
    }
    @Public()
    class OpenSubclass extends Guarded {}
    const reflector = new CountingReflector();
    const handler = Guarded.prototype.route;
    expect(isPublic(reflector, contextOf(Guarded, handler))).toBe(false);
    expect(isPublic(reflector, contextOf(OpenSubclass, handler))).toBe(true);
    expect(isPublic(new Reflector(), contextOf(Guarded, handler))).toBe(false);
  });
});
