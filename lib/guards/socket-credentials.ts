import { type CredentialsRequest, readCredentials } from './credentials.js';
import type { JwtAuthSettings } from '../settings/jwt-auth-settings.js';

/** A socket.io socket, as far as authentication goes (no import of socket.io's types). */
export interface HandshakeSocket {
  handshake: { headers: CredentialsRequest['headers']; auth?: Record<string, unknown> };
  /** The HTTP request that opened the connection: its raw headers show a repeated Authorization. */
  request?: CredentialsRequest;
  /** socket.io's per-socket store; WsJwtAuthGuard keeps the user at `data.user`. */
  data?: { user?: object } | null;
}

/** Where a socket's token is, if it sent one. */
export type SocketCredentials =
  { kind: 'absent' } | { kind: 'invalid'; message: string } | { kind: 'token'; token: string };

const ABSENT: SocketCredentials = { kind: 'absent' };

/**
 * The token a socket sent with its handshake: the Authorization header, read exactly as the
 * HTTP guard reads it, or else socket.io's auth payload (`io(url, { auth: { token } })`, the raw
 * token). Never the token cookie: browsers send cookies with cross-site WebSocket handshakes,
 * and a gateway has no CSRF check to stop such a connection acting as the user.
 */
export function socketCredentials(socket: HandshakeSocket, settings: JwtAuthSettings): SocketCredentials {
  const header = readCredentials(socket.request ?? { headers: socket.handshake.headers }, settings);
  if (header.kind === 'invalid') return header;
  if (header.kind === 'token' && !header.fromCookie) return { kind: 'token', token: header.token };
  const token = socket.handshake.auth?.token;
  return typeof token === 'string' && token !== '' ? { kind: 'token', token } : ABSENT;
}
