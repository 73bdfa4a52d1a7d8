// Entry point of the HTTP ingest: `tsx client/http-ingest/main.ts`. RRM_HTTP_PORT (default 8080),
// RRM_HTTP_HOST (default 0.0.0.0), RRM_INGEST_TOKEN / RRM_INGEST_OPERATOR_TOKENS (bearer tokens, see
// auth.ts; open without any), plus the Temporal and DATABASE_URL settings of config/env.ts.
import { z } from 'zod';
import { loadConfig } from '../../config/env';
import { logger } from '../../config/logger';
import { loadPolicy } from '../../config/policy-file';
import { startTracing } from '../../config/tracing';
import { RrmClient } from '../library';
import { credentialsFromEnv, hasCredentials } from './auth';
import { buildIngestServer, TEMPORAL_DEADLINE_MS } from './server';
import { createPool } from '../../db/pool';

const HttpEnvSchema = z.object({
  RRM_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  RRM_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
});

async function main(): Promise<void> {
  const parsed = HttpEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const credentials = credentialsFromEnv();
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
    controllerUrl: config.controllerUrl,
    logger,
  });
  if (!hasCredentials(credentials)) {
    logger.warn(
      'neither RRM_INGEST_TOKEN nor RRM_INGEST_OPERATOR_TOKENS is set: the ingest API is open to anyone',
    );
  }

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

  await server.listen({ port: env.RRM_HTTP_PORT, host: env.RRM_HTTP_HOST });
}

main().catch((err: unknown) => {
  logger.error({ err }, 'the HTTP ingest failed to start');
  process.exit(1);
});
