// Worker entry point: `npm run worker`. Refuses to start on a bad environment or policy file.
import { loadConfig, requireDatabaseUrl } from '../config/env';
import { connectController } from '../activities/controller/connect';
import { loadPolicy } from '../config/policy-file';
import { startTracing } from '../config/tracing';
import { LoopMetrics, serveMetrics } from './metrics';
import { createRrmWorker } from './rrm-worker';
import { installRuntime } from './telemetry';
import { logger } from '../config/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const policy = loadPolicy(config.policyFile);
  const { metricsPort } = config;
  const sdkMetricsUrl = await installRuntime({ metrics: metricsPort !== undefined });
  const metrics = new LoopMetrics(undefined, { processMetrics: true });
  const tracing = startTracing('rrm-worker');
  const worker = await createRrmWorker({
    temporal: config.temporal,
    databaseUrl: requireDatabaseUrl(config),
    controller: connectController(config.controller),
    policy,
    metrics,
    tracing,
  });
  const endpoint =
    metricsPort === undefined ? undefined : await serveMetrics(metricsPort, metrics.registry, sdkMetricsUrl);
  if (endpoint) logger.info({ url: endpoint.url }, 'worker metrics served');
  const { taskQueue, namespace, connection, workerDeployment } = config.temporal;
  const { address, tls } = connection;
  logger.info({ taskQueue, namespace, address, tls: Boolean(tls), workerDeployment }, 'worker started');
  try {
    await worker.run();
  } finally {
    endpoint?.close();
    await worker.close();
    await tracing?.shutdown();
  }
}

main().catch((err) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
