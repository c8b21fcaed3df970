import { HttpException, HttpStatus } from '@nestjs/common';
import type { AnyRequest } from '../common/jwt.js';
import { methodNotAllowed, NOT_ACCEPTABLE } from '../common/messages.js';
import { detail, type Refusal } from '../common/refusal.js';
import type { JwtAuthEventDispatcher } from '../events/jwt-auth-event-dispatcher.js';
import { logRefusal } from '../refusals/refusal-log.js';
import { type HttpRequestLike, type HttpResponseLike, setHeader } from '../transport/http-adapter.js';
import { type ReadBody, readRequestBody } from '../transport/request-body.js';
import { acceptsRenderedType } from './content-negotiation.js';
import { endpointBody } from './endpoint-body.js';
import { Refused } from './refused.js';

export type Reply = HttpResponseLike;
export type EndpointRequest = AnyRequest & HttpRequestLike & { method: string; url: string };

/**
 * What every token endpoint does as a DRF view, whichever protocol it speaks: negotiate the
 * answer's type (406), read the body once as DRF's parsers do (415, 413, 400), validate it as
 * a class-validator DTO with DRF's messages (bodies/), answer 405 to other methods, and turn every refusal (data, common/refusal.ts) into
 * the answer through the protocol's renderer. TokenController (djangorestframework-jwt) and
 * SimpleJwtController (simplejwt) are its two protocols.
 */
export abstract class DrfEndpoint {
  /** The endpoints' renderer: a refusal as the HTTP answer. */
  protected abstract renderRefusal(refusal: Refusal, reply: Reply): HttpException;

  /** The refusal for an error a flow threw, or undefined when it is no refusal (a bug, rethrown). */
  protected abstract refusalOfError(error: unknown): Refusal | undefined;

  /** The module's events: every refusal is a `request.refused` event. */
  protected abstract readonly events: JwtAuthEventDispatcher;

  /**
   * Runs a handler; a refusal it throws (or a flow's) is logged and rendered, anything else
   * rethrown. Every answer is `Cache-Control: no-store` (tokens must never be stored by a
   * cache, and an error answers a request that carried secrets). As upstream's views, it first
   * negotiates the answer's type: an Accept header that no renderer satisfies is a 406.
   */
  protected async answer(request: EndpointRequest, reply: Reply, handler: () => Promise<object>): Promise<object> {
    try {
      this.negotiate(request, reply);
      this.beforeHandler(request);
      return await handler();
    } catch (error) {
      const refusal = error instanceof Refused ? error.refusal : this.refusalOfError(error);
      if (refusal === undefined) throw error;
      if (!(error instanceof Refused) || error.log) logRefusal(request, refusal.reason);
      await this.refused(refusal, request);
      throw this.renderRefusal(refusal, reply);
    }
  }

  /** Checks every request before its handler runs (the cross-site refusal of cookie mode); throws Refused. */
  protected beforeHandler(request: EndpointRequest): void {
    void request;
  }

  /** Told of every refusal, once logged: the audit event. */
  protected async refused(refusal: Refusal, request: EndpointRequest): Promise<void> {
    await this.events.requestRefused(refusal, request);
  }

  /** No-store, and DRF's content negotiation (before the method is even looked at). */
  protected negotiate(request: EndpointRequest, reply: Reply): void {
    setHeader(reply, 'Cache-Control', 'no-store');
    if (!acceptsRenderedType(request)) throw new Refused(detail(HttpStatus.NOT_ACCEPTABLE, NOT_ACCEPTABLE));
  }

  protected methodNotAllowed(request: EndpointRequest, reply: Reply): never {
    try {
      this.negotiate(request, reply);
    } catch (error) {
      throw this.renderRefusal((error as Refused).refusal, reply);
    }
    // Upstream says "POST, OPTIONS"; OPTIONS is left to the app's CORS handling, so not listed.
    throw this.renderRefusal(
      { ...detail(HttpStatus.METHOD_NOT_ALLOWED, methodNotAllowed(request.method)), headers: { Allow: 'POST' } },
      reply,
    );
  }

  /** Read once per request: on Express the body is a stream that cannot be read twice. */
  protected readBody(request: EndpointRequest): Promise<ReadBody> {
    return readRequestBody(request);
  }

  /**
   * The body as an instance of `dto`, or the refusal DRF gives (see endpoint-body.ts); `last`:
   * the fields upstream's serializer adds in `__init__`, reported after the declared ones.
   */
  protected bodyOf<T extends object>(body: ReadBody, dto: new () => T, last: readonly string[] = []): Promise<T> {
    return endpointBody(body, dto, last);
  }
}
