import { Logger } from '@nestjs/common';
import { type HttpRequestLike, methodOf, pathOf } from '../transport/http-adapter.js';

/** Nest's Logger under the module's context: the app's logger and log levels decide. */
const logger = new Logger('JwtAuth');

/** Long enough for any route; a longer path is the client's noise, not worth the log. */
const MAX_PATH = 200;

/**
 * Logs at debug level why a request was refused: the reason, the method and the path. Never
 * the query string (a client may put a token there), a header, a cookie or a body.
 */
export function logRefusal(request: object, reason: string): void {
  // Checked first: the line is not even built when debug logs are off.
  if (!Logger.isLevelEnabled('debug')) return;
  const path = pathOf(request as HttpRequestLike).slice(0, MAX_PATH);
  logger.debug(`Refused ${methodOf(request as HttpRequestLike) ?? '?'} ${path || '?'}: ${reason}`);
}
