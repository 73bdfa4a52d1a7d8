// Worker entry point: `npm run worker`. Refuses to start on a bad environment or policy file.
import { loadConfig, requireDatabaseUrl } from '../config/env';
import { loadPolicy } from '../config/policy-file';
import { createRrmWorker } from './rrm-worker';
import { logger } from '../config/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const policy = loadPolicy(config.policyFile);
  const worker = await createRrmWorker({
    temporal: config.temporal,
    databaseUrl: requireDatabaseUrl(config),
    controllerUrl: config.controllerUrl,
    policy,
  });
  const { taskQueue, namespace, connection, workerDeployment } = config.temporal;
  const { address, tls } = connection;
  logger.info({ taskQueue, namespace, address, tls: Boolean(tls), workerDeployment }, 'worker started');
  try {
    await worker.run();
  } finally {
    await worker.close();
  }
}

main().catch((err) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
