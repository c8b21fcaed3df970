import { Logger } from '@nestjs/common';
import { createApp, httpAdapterFromEnv } from './create-app.js';
import { type EnvReader, readString, SampleConfigError } from './env.js';
import { DOCS_PATH } from './swagger.js';

const env: EnvReader = (name) => process.env[name];

/** PORT: 0-65535, default 3000. */
function portFromEnv(): number {
  const value = readString(env, 'PORT') ?? '3000';
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new SampleConfigError(`PORT must be a port number (0-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const adapter = httpAdapterFromEnv(env);
  const port = portFromEnv();
  // Loopback unless HOST says otherwise (HOST=0.0.0.0 to listen on every interface).
  const host = readString(env, 'HOST') ?? '127.0.0.1';
  const app = await createApp(adapter);
  // SIGINT/SIGTERM close the app, and with it the SQLite file.
  app.enableShutdownHooks();
  await app.listen(port, host);
  const url = await app.getUrl();
  new Logger('Sample').log(
    `Listening on ${url} (HTTP_ADAPTER=${adapter}). Try: curl ${url}/public/ (API docs: ${url}/${DOCS_PATH})`,
  );
}

main().catch((error: unknown) => {
  // Nest logs errors from building the modules (with a stack); this line is there for every failure.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`nest-rest-jwt sample: start-up failed: ${message}`);
  process.exit(1);
});
