import { type FactoryProvider, HttpStatus, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { isMissingPackage } from '../common/optional-peer.js';
import { REFUSED_METHOD_HANDLERS, type TokenHandler } from '../http/token-handlers.js';
import type { TokenController } from '../http/token.controller.js';
import { JWT_AUTH_SETTINGS } from '../jwt-auth.internal-constants.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';
import { JWKS_DOC } from './jwks-endpoint.js';
import { JWT_AUTH_OPENAPI_TAG } from './openapi-tag.js';
import {
  methodNotAllowedResponse,
  type OperationDoc,
  REQUEST_BODY_TYPES,
  tokenEndpointDocs,
} from './token-endpoints.js';
import { simpleJwtEndpointDocs } from './simplejwt-endpoints.js';

/** Internal token: whether @nestjs/swagger was there to document the module's controllers. */
export const JWT_AUTH_OPENAPI = Symbol('nest-rest-jwt:openapi');

/** The decorators used here, typed structurally (the same in @nestjs/swagger 11 and 12). */
interface SwaggerDecorators {
  ApiOperation(options: object): MethodDecorator;
  ApiBody(options: object): MethodDecorator;
  ApiConsumes(...mimeTypes: string[]): MethodDecorator & ClassDecorator;
  ApiResponse(options: object): MethodDecorator & ClassDecorator;
  ApiExcludeEndpoint(disable?: boolean): MethodDecorator;
  ApiTags(...tags: string[]): MethodDecorator & ClassDecorator;
}

/** @nestjs/swagger when the app has it installed, else undefined (an optional peer). */
async function loadSwagger(): Promise<SwaggerDecorators | undefined> {
  try {
    return (await import('@nestjs/swagger')) as unknown as SwaggerDecorators;
  } catch (error) {
    if (isMissingPackage(error, '@nestjs/swagger')) return undefined;
    throw error;
  }
}

/** Classes already documented: swagger's ApiResponse merges, so a second pass would repeat texts. */
const documented = new WeakSet<object>();

export interface DocumentedControllers {
  token?: Type<TokenController>;
  /** simplejwt's views, when the module speaks it. */
  simpleJwt?: Type<unknown>;
  jwks?: Type<unknown>;
}

/**
 * Puts the module's endpoints into the app's OpenAPI document by applying @nestjs/swagger's
 * decorators to its controller classes, when @nestjs/swagger is installed. An async factory
 * provider: Nest awaits it while creating the app (NestFactory.create, TestingModule.compile),
 * so the metadata is there before the app calls SwaggerModule.createDocument, even before
 * `app.init()`.
 */
export function openApiProvider(controllers: DocumentedControllers): FactoryProvider<boolean> {
  return {
    provide: JWT_AUTH_OPENAPI,
    useFactory: async (settings: JwtAuthSettings) => {
      const swagger = await loadSwagger();
      if (!swagger) return false;
      if (controllers.token) documentTokenController(swagger, controllers.token, settings);
      if (controllers.jwks) documentController(swagger, controllers.jwks, { get: JWKS_DOC });
      if (controllers.simpleJwt && settings.simpleJwt) {
        const refused = ['getRefused', 'putRefused', 'patchRefused', 'deleteRefused', 'refuseMethod'];
        documentController(swagger, controllers.simpleJwt, simpleJwtEndpointDocs(settings.simpleJwt), refused);
      }
      return true;
    },
    inject: [JWT_AUTH_SETTINGS],
  };
}

/** A handler by name, where the class or the class it extends (a prefixed TokenController) defines it. */
function handlerOf(
  controller: Type<unknown>,
  name: string,
): { owner: object; descriptor: PropertyDescriptor } | undefined {
  for (let owner: object | null = controller.prototype; owner !== null; owner = Object.getPrototypeOf(owner)) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, name);
    if (descriptor !== undefined) return typeof descriptor.value === 'function' ? { owner, descriptor } : undefined;
  }
  return undefined;
}

function pathsOf(handler: { descriptor: PropertyDescriptor } | undefined): string[] {
  const path: unknown = handler && Reflect.getMetadata(PATH_METADATA, handler.descriptor.value);
  return [path].flat().filter((item): item is string => typeof item === 'string');
}

function documentTokenController(
  swagger: SwaggerDecorators,
  controller: Type<TokenController>,
  settings: JwtAuthSettings,
) {
  const docs: Partial<Record<string, OperationDoc>> = tokenEndpointDocs(settings);
  const hidden: (TokenHandler | (typeof REFUSED_METHOD_HANDLERS)[number])[] = [...REFUSED_METHOD_HANDLERS];
  // verifyOnly: login and refresh answer 404, so they are no operations of this app.
  if (settings.verifyOnly) hidden.push('obtain', 'refresh');
  // The 405 handlers are no operations: their answer is a response of the POST on each path.
  const refusedPaths = new Set(REFUSED_METHOD_HANDLERS.flatMap((name) => pathsOf(handlerOf(controller, name))));
  const methodNotAllowed = methodNotAllowedResponse(settings);
  for (const [name, doc] of Object.entries(docs)) {
    if (doc === undefined || !pathsOf(handlerOf(controller, name)).some((path) => refusedPaths.has(path))) continue;
    doc.responses[HttpStatus.METHOD_NOT_ALLOWED] = methodNotAllowed;
  }
  for (const name of hidden) delete docs[name];
  documentController(swagger, controller, docs, hidden);
}

function documentController(
  swagger: SwaggerDecorators,
  controller: Type<unknown>,
  docs: Partial<Record<string, OperationDoc>>,
  hidden: readonly string[] = [],
): void {
  if (documented.has(controller)) return;
  documented.add(controller);
  swagger.ApiTags(JWT_AUTH_OPENAPI_TAG)(controller);
  for (const name of hidden) {
    const handler = handlerOf(controller, name);
    if (handler) swagger.ApiExcludeEndpoint()(handler.owner, name, handler.descriptor);
  }
  for (const [name, doc] of Object.entries(docs)) {
    const handler = handlerOf(controller, name);
    if (!handler || !doc) continue;
    const { owner: prototype, descriptor } = handler;
    const { summary, description, security, requestBody, responses } = doc;
    swagger.ApiOperation({ summary, description, security })(prototype, name, descriptor);
    if (requestBody) {
      swagger.ApiConsumes(...REQUEST_BODY_TYPES)(prototype, name, descriptor);
      swagger.ApiBody(requestBody)(prototype, name, descriptor);
    }
    for (const [status, response] of Object.entries(responses)) {
      swagger.ApiResponse({ status: Number(status), ...response })(prototype, name, descriptor);
    }
  }
}
