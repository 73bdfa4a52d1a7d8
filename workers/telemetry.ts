// The Temporal SDK's Runtime for a process that runs workers: its Prometheus exporter when the loop
// serves metrics (RRM_METRICS_PORT), on a loopback port that only workers/metrics.ts reads. The
// Runtime is installed once, before any connection is made.
import { createServer, type AddressInfo } from 'node:net';
import { Runtime, type Logger } from '@temporalio/worker';

/** Installs the Runtime; returns the SDK exporter's URL when metrics are on. */
export async function installRuntime(opts: {
  metrics: boolean;
  logger?: Logger;
}): Promise<string | undefined> {
  const port = opts.metrics ? await freeLoopbackPort() : undefined;
  Runtime.install({
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(port ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } } } : {}),
  });
  return port ? `http://127.0.0.1:${port}/metrics` : undefined;
}

/** A port nothing listens on at 127.0.0.1 right now (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
