import { caseInsensitiveValue, textOf } from './case-insensitive-value.js';

/**
 * What the RPC contexts of @nestjs/microservices expose, read by shape so that no transport's
 * package (nor @nestjs/microservices itself) is imported: each method is optional.
 */
interface RpcContextLike {
  /** TcpContext, RedisContext (Nest 12): what the client set with `setOnDispatchHook`. */
  getMetadata?: () => unknown;
  /** NatsContext: the message's NATS headers (`MsgHdrs`, read with `get`). */
  getHeaders?: () => unknown;
  /** RmqContext (`properties.headers`), KafkaContext (`headers`). */
  getMessage?: () => unknown;
  /** MqttContext: MQTT 5 user properties. */
  getPacket?: () => unknown;
  /** A gRPC call's Metadata (the handler's second argument): `get(key)` gives an array. */
  get?: (key: string) => unknown;
}

/** Header stores with a getter of their own (NATS MsgHdrs, gRPC Metadata). */
interface Getter {
  get(key: string): unknown;
  /** NATS MsgHdrs lists its keys, whose `get` matches case exactly. */
  keys?: () => Iterable<string>;
}

const hasGetter = (value: unknown): value is Getter =>
  value !== null && typeof value === 'object' && typeof (value as Partial<Getter>).get === 'function';

/**
 * The value of metadata `key` on the context of an RPC handler (its second argument), for the
 * transports that carry metadata: TCP and Redis (packet metadata), NATS (headers), RabbitMQ
 * (message properties' headers), Kafka (message headers), MQTT 5 (user properties) and gRPC
 * (call metadata). Undefined when the transport or the message has none.
 */
export function rpcMetadataValue(context: unknown, key: string): unknown {
  if (context === null || typeof context !== 'object') return undefined;
  const rpc = context as RpcContextLike;
  if (typeof rpc.getMetadata === 'function') return caseInsensitiveValue(rpc.getMetadata(), key);
  if (typeof rpc.getHeaders === 'function') return fromStore(rpc.getHeaders(), key);
  if (typeof rpc.getMessage === 'function') {
    const message = rpc.getMessage() as { properties?: { headers?: unknown }; headers?: unknown } | undefined;
    return caseInsensitiveValue(message?.properties?.headers ?? message?.headers, key);
  }
  if (typeof rpc.getPacket === 'function') {
    const packet = rpc.getPacket() as { properties?: { userProperties?: unknown } } | undefined;
    return caseInsensitiveValue(packet?.properties?.userProperties, key);
  }
  return hasGetter(context) ? fromStore(context, key) : undefined;
}

/** A store with `get` (NATS headers; gRPC Metadata, which lowercases keys), or a plain record. */
function fromStore(store: unknown, key: string): unknown {
  if (!hasGetter(store)) return caseInsensitiveValue(store, key);
  if (typeof store.keys === 'function') {
    const entries = [...store.keys()].map((name) => [name, emptyAsMissing(textOf(store.get(name)))]);
    return caseInsensitiveValue(Object.fromEntries(entries), key);
  }
  return emptyAsMissing(textOf(store.get(key)));
}

function emptyAsMissing(value: unknown): unknown {
  // NATS answers '' and gRPC [] for a missing key.
  return value === '' || (Array.isArray(value) && value.length === 0) ? undefined : value;
}
