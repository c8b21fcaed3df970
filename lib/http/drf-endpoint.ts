import { HttpException, HttpStatus } from '@nestjs/common';
import type { AnyRequest } from '../common/jwt.js';
import {
  BODY_TOO_LARGE_MESSAGE,
  methodNotAllowed,
  NOT_ACCEPTABLE,
  tooManyFields,
  unsupportedMediaType,
} from '../common/messages.js';
import { detail, fieldErrors, type Refusal } from '../common/refusal.js';
import { logRefusal } from '../refusals/refusal-log.js';
import { type HttpRequestLike, type HttpResponseLike, setHeader } from '../transport/http-adapter.js';
import { MAX_FORM_FIELDS } from '../transport/drf-parsers.js';
import { type ReadBody, readRequestBody } from '../transport/request-body.js';
import { acceptsRenderedType } from './content-negotiation.js';
import { type CharFieldSpec, validateCharFields } from './drf-fields.js';
import { Refused } from './refused.js';

export type Reply = HttpResponseLike;
export type EndpointRequest = AnyRequest & HttpRequestLike & { method: string; url: string };

/**
 * What every token endpoint does as a DRF view, whichever protocol it speaks: negotiate the
 * answer's type (406), read the body once as DRF's parsers do (415, 413, 400), validate its
 * CharFields, answer 405 to other methods, and turn every refusal (data, common/refusal.ts) into
 * the answer through the protocol's renderer. TokenController (djangorestframework-jwt) and
 * SimpleJwtController (simplejwt) are its two protocols.
 */
export abstract class DrfEndpoint {
  /** The endpoints' renderer: a refusal as the HTTP answer. */
  protected abstract renderRefusal(refusal: Refusal, reply: Reply): HttpException;

  /** The refusal for an error a flow threw, or undefined when it is no refusal (a bug, rethrown). */
  protected abstract refusalOfError(error: unknown): Refusal | undefined;

  /**
   * Runs a handler; a refusal it throws (or a flow's) is logged and rendered, anything else
   * rethrown. Every answer is `Cache-Control: no-store` (tokens must never be stored by a
   * cache, and an error answers a request that carried secrets). As upstream's views, it first
   * negotiates the answer's type: an Accept header that no renderer satisfies is a 406.
   */
  protected async answer(request: EndpointRequest, reply: Reply, handler: () => Promise<object>): Promise<object> {
    try {
      this.negotiate(request, reply);
      return await handler();
    } catch (error) {
      const refusal = error instanceof Refused ? error.refusal : this.refusalOfError(error);
      if (refusal === undefined) throw error;
      if (!(error instanceof Refused) || error.log) logRefusal(request, refusal.reason);
      throw this.renderRefusal(refusal, reply);
    }
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

  protected async readFields<K extends string>(
    request: EndpointRequest,
    fields: readonly (CharFieldSpec & { name: K })[],
  ): Promise<Record<K, string>> {
    return this.fieldsOf(await this.readBody(request), fields);
  }

  /** Read once per request: on Express the body is a stream that cannot be read twice. */
  protected readBody(request: EndpointRequest): Promise<ReadBody> {
    return readRequestBody(request);
  }

  protected fieldsOf<K extends string>(
    body: ReadBody,
    fields: readonly (CharFieldSpec & { name: K })[],
  ): Record<K, string> {
    if (body.kind === 'too-large') throw new Refused(detail(HttpStatus.PAYLOAD_TOO_LARGE, BODY_TOO_LARGE_MESSAGE));
    if (body.kind === 'unsupported') {
      throw new Refused(detail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, unsupportedMediaType(body.contentType)));
    }
    if (body.kind === 'parse-error') throw new Refused(detail(HttpStatus.BAD_REQUEST, body.message, 'malformed body'));
    if (body.kind === 'too-many-fields') {
      throw new Refused(detail(HttpStatus.BAD_REQUEST, tooManyFields(MAX_FORM_FIELDS), 'too many fields'));
    }
    const result = validateCharFields(body.data, body.source, fields);
    if ('errors' in result) throw new Refused(fieldErrors(result.errors));
    return result.values;
  }
}
