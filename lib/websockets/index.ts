// nest-rest-jwt/websockets: needs @nestjs/websockets (and socket.io), which the main entry does not.
export { WsJwtAuthGuard } from './ws-jwt-auth.guard.js';
