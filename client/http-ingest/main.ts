// Entry point of the HTTP ingest: `tsx client/http-ingest/main.ts`. Closed by default (listen.ts):
// it listens on RRM_HTTP_HOST (default 127.0.0.1, loopback only) : RRM_HTTP_PORT (default 8080),
// serves HTTPS when given RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY (PEM files, both or neither),
// and refuses to start without a bearer token, RRM_INGEST_TOKEN or RRM_INGEST_OPERATOR_TOKENS
// (auth.ts), unless RRM_INGEST_ALLOW_ANONYMOUS=1 asks for an API open to anyone. Plus the Temporal
// and DATABASE_URL settings of config/env.ts.
import { loadConfig } from '../../config/env';
import { controllerUrlOf } from '../../config/controller';
import { connectController } from '../../activities/controller/connect';
import { logger } from '../../config/logger';
import { loadPolicy } from '../../config/policy-file';
import { startTracing } from '../../config/tracing';
import { RrmClient } from '../library';
import { ingestSettingsFromEnv } from './listen';
import { buildIngestServer, TEMPORAL_DEADLINE_MS } from './server';
import { createPool } from '../../db/pool';

async function main(): Promise<void> {
  const { listen, credentials, anonymous } = ingestSettingsFromEnv();
  const config = loadConfig();
  // Lazy: the ingest starts, and answers 503 quickly, while Temporal is down (server.ts).
  const tracing = startTracing('rrm-http-ingest');
  const rrm = await RrmClient.connect(config.temporal, loadPolicy(config.policyFile), {
    connectTimeout: TEMPORAL_DEADLINE_MS,
    lazy: true,
    traced: tracing !== undefined,
  });
  const pool = config.databaseUrl ? createPool(config.databaseUrl, 4, 'rrm-ingest') : undefined;
  const server = buildIngestServer({
    rrm,
    credentials,
    pool,
    taskQueue: config.temporal.taskQueue,
    controller: { port: connectController(config.controller), url: controllerUrlOf(config.controller) },
    https: listen.tls,
    logger,
    ui: { temporalWebUi: config.temporalUiUrl, namespace: config.temporal.namespace },
  });
  if (anonymous) {
    logger.warn('RRM_INGEST_ALLOW_ANONYMOUS=1 and no token: the ingest API is open to anyone who reaches it');
  }

  const url = await server.listen({ port: listen.port, host: listen.host });
  logger.info({ url, floorPage: `${url}/ui/` }, 'HTTP ingest listening');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the HTTP ingest');
    await server.close();
    await Promise.all([rrm.close(), pool?.end(), tracing?.shutdown()]);
  };
  // Detached on purpose: a signal handler cannot wait; stop() closes the server, then Node exits.
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.error({ err }, 'the HTTP ingest failed to start');
  process.exit(1);
});
