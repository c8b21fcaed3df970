// nest-rest-jwt/audit: the events security teams ask for (the main entry point is full).

export {
  JWT_AUTH_REQUEST_REFUSED,
  JWT_AUTH_TOKEN_REUSE_DETECTED,
  type RequestRefusedEvent,
  type TokenReuseDetectedEvent,
} from '../events/jwt-auth-events.js';
export { TokenReuseDetectedError } from '../common/errors.js';
