import type { TokenController } from './token.controller.js';

/** The POST handlers, then the 405 ones, by name: checked against the class when compiled. */
export const TOKEN_HANDLERS = [
  'obtain',
  'refresh',
  'verify',
  'revoke',
  'revokeAll',
] as const satisfies readonly (keyof TokenController)[];
export const REFUSED_METHOD_HANDLERS = [
  'get',
  'put',
  'patch',
  'delete',
] as const satisfies readonly (keyof TokenController)[];
export type TokenHandler = (typeof TOKEN_HANDLERS)[number];
