import { ConsoleLogger, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { type HttpRequestLike, methodOf, pathOf } from '../transport/http-adapter.js';

/** Nest's Logger under the module's context: the app's logger and log levels decide. */
const logger = new Logger('JwtAuth');

/** Long enough for any route; a longer path is the client's noise, not worth the log. */
const MAX_PATH = 200;

/** Logger's own static state, protected in its typings and read here as Nest 12 reads it. */
interface LoggerStatics {
  staticInstanceRef?: LoggerService;
  logLevels?: LogLevel[];
}

/**
 * Whether the app's logger takes debug lines, the same on Nest 11 and 12. Not
 * `Logger.isLevelEnabled('debug')`: Nest 11 answers it false when the app set no levels, though
 * its default logger prints debug lines. So, as Nest 12 decides: no logger (`logger: false`),
 * no; a ConsoleLogger (Nest's default, the testing logger, a subclass) by its own levels; any
 * other logger by the levels the app set (`logger: [...]`, `useLogger`), all when it set none.
 */
export function debugLogsEnabled(): boolean {
  const statics = Logger as unknown as LoggerStatics;
  const instance = statics.staticInstanceRef;
  if (instance === undefined || instance === null) return false;
  if (instance instanceof ConsoleLogger) return instance.isLevelEnabled('debug');
  // With levels set, Nest's own rule (both majors): listed, or below the most verbose one listed.
  return statics.logLevels === undefined || Logger.isLevelEnabled('debug');
}

/**
 * Logs at debug level why a request was refused: the reason, the method and the path. Never
 * the query string (a client may put a token there), a header, a cookie or a body.
 */
export function logRefusal(request: object, reason: string): void {
  // Checked first: the line is not even built when debug logs are off.
  if (!debugLogsEnabled()) return;
  const path = pathOf(request as HttpRequestLike).slice(0, MAX_PATH);
  logger.debug(`Refused ${methodOf(request as HttpRequestLike) ?? '?'} ${path || '?'}: ${reason}`);
}
