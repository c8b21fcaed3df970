import { describe, expect, it } from '@jest/globals';
import { KafkaContext, MqttContext, NatsContext, RedisContext, RmqContext, TcpContext } from '@nestjs/microservices';
import { rpcMetadataValue } from '../../lib/guards/rpc-metadata.js';

const TOKEN = 'JWT a.b.c';

/** NATS headers as nats.js gives them: `get` matches the key's case exactly, `keys` lists them. */
function natsHeaders(entries: Record<string, string>) {
  return { get: (key: string) => entries[key] ?? '', keys: () => Object.keys(entries) };
}

/** gRPC Metadata as @grpc/grpc-js gives it: keys lowercased, `get` gives an array. */
function grpcMetadata(entries: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(entries).map(([key, value]) => [key.toLowerCase(), [value]]));
  return { get: (key: string) => lower[key.toLowerCase()] ?? [] };
}

// The real context classes of @nestjs/microservices, built from what each transport delivers.
describe('rpcMetadataValue: the metadata of each transport, read by shape', () => {
  it.each([
    ['TCP packet metadata', new TcpContext([{} as never, 'p', { Authorization: TOKEN }])],
    ['Redis packet metadata', new RedisContext(['channel', { authorization: TOKEN }] as never)],
    ['NATS headers', new NatsContext(['subject', natsHeaders({ Authorization: TOKEN })])],
    ['RabbitMQ message headers', new RmqContext([{ properties: { headers: { authorization: TOKEN } } }, {}, 'p'])],
    [
      'Kafka message headers (Buffers)',
      new KafkaContext([{ headers: { authorization: Buffer.from(TOKEN) } }] as never),
    ],
    [
      'MQTT 5 user properties',
      new MqttContext(['topic', { properties: { userProperties: { Authorization: TOKEN } } }]),
    ],
    ['gRPC call metadata', grpcMetadata({ Authorization: TOKEN })],
  ])('%s', (_, context) => {
    expect(rpcMetadataValue(context, 'authorization')).toBe(TOKEN);
    expect(rpcMetadataValue(context, 'x-other')).toBeUndefined();
  });

  it.each([
    ['TCP without metadata', new TcpContext([{} as never, 'p'])],
    ['NATS without headers', new NatsContext(['subject', undefined])],
    ['RabbitMQ without headers', new RmqContext([{ properties: {} }, {}, 'p'])],
    ['MQTT 3 (no properties)', new MqttContext(['topic', {}])],
    ['no context', undefined],
    ['a string', 'x'],
  ])('%s: undefined', (_, context) => {
    expect(rpcMetadataValue(context, 'authorization')).toBeUndefined();
  });

  it('two keys differing only in case: both values, for the parser to refuse', () => {
    const context = new TcpContext([{} as never, 'p', { authorization: TOKEN, AUTHORIZATION: 'JWT x' }]);
    expect(rpcMetadataValue(context, 'Authorization')).toEqual([TOKEN, 'JWT x']);
    const nats = new NatsContext(['subject', natsHeaders({ authorization: TOKEN, Authorization: 'JWT x' })]);
    expect(rpcMetadataValue(nats, 'authorization')).toEqual([TOKEN, 'JWT x']);
  });
});
