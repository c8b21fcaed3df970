import { JwtAuthConfigError } from '../common/errors.js';

/** Where microservice handlers find the token: a payload field and a metadata key (false: not read). */
export interface RpcCredentialsOptions {
  /**
   * The field of the message's payload that holds `<prefix> <token>`, as an Authorization header
   * would (default `'authorization'`; false: payloads are not read). Matched exactly.
   */
  payloadField?: string | false;
  /**
   * The metadata key that holds `<prefix> <token>` (default `'authorization'`, matched without
   * regard to case, as header names are; false: metadata is not read). Read before the payload.
   */
  metadataKey?: string | false;
}

export interface RpcCredentialsSettings {
  payloadField: string | false;
  metadataKey: string | false;
}

export const RPC_DEFAULTS: RpcCredentialsSettings = { payloadField: 'authorization', metadataKey: 'authorization' };
export const CONNECTION_PARAMS_KEY_DEFAULT = 'Authorization';

/** `rpc`: each key a non-empty string or false. Throws JwtAuthConfigError naming the key. */
export function resolveRpcSettings(raw: unknown): RpcCredentialsSettings {
  if (raw === undefined) return RPC_DEFAULTS;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JwtAuthConfigError('rpc', 'must be an object such as { payloadField: "authorization" }');
  }
  const given = raw as RpcCredentialsOptions;
  const payloadField = fieldName(given.payloadField, 'rpc.payloadField', RPC_DEFAULTS.payloadField);
  const metadataKey = fieldName(given.metadataKey, 'rpc.metadataKey', RPC_DEFAULTS.metadataKey);
  if (payloadField === false && metadataKey === false) {
    throw new JwtAuthConfigError('rpc', 'reads no token when both payloadField and metadataKey are false');
  }
  return { payloadField, metadataKey };
}

/** `connectionParamsKey`: the graphql-ws connection parameter that holds `<prefix> <token>`. */
export function resolveConnectionParamsKey(raw: unknown): string {
  const key = fieldName(raw, 'connectionParamsKey', CONNECTION_PARAMS_KEY_DEFAULT);
  if (key === false) throw new JwtAuthConfigError('connectionParamsKey', 'must be a non-empty string');
  return key;
}

function fieldName(raw: unknown, option: string, fallback: string | false): string | false {
  if (raw === undefined) return fallback;
  if (raw === false) return false;
  if (typeof raw !== 'string' || raw.trim() === '' || raw !== raw.trim()) {
    throw new JwtAuthConfigError(option, `must be a field name or false (got ${JSON.stringify(raw)})`);
  }
  return raw;
}
