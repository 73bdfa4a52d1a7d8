// A worker process of its own, on a task queue of its own, with its Prometheus endpoint: its
// metrics count only the events a test sends to that queue.
import { RrmClient } from '../../client/library';
import { freeLoopbackPort } from '../../workers/telemetry';
import { controllerEnvFor } from './controller-face';
import type { Stack } from './stack';
import { WorkerProcess } from './worker-process';

export interface MetricsWorker {
  worker: WorkerProcess;
  /** A client that starts events on the worker's task queue. */
  rrm: RrmClient;
  /** The worker's /metrics text, scraped now. */
  scrape(): Promise<string>;
}

export async function startMetricsWorker(stack: Stack, queueSuffix: string): Promise<MetricsWorker> {
  const taskQueue = `${stack.taskQueue}-${queueSuffix}`;
  const port = await freeLoopbackPort();
  const worker = new WorkerProcess({
    taskQueue,
    databaseUrl: stack.databaseUrl,
    controllerEnv: controllerEnvFor(stack.sim),
    env: { RRM_METRICS_PORT: String(port) },
  });
  await worker.start();
  return {
    worker,
    rrm: new RrmClient(stack.rrm.client, taskQueue),
    scrape: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
  };
}
