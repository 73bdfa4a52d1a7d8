// What every benchmark on the real stack starts with.
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

/** The dev server `npm run bench` started. */
export function requireTemporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set (npm run bench starts a Temporal dev server)');
  return address;
}

/**
 * Errors only: a benchmark terminates its workflows between runs, and the SDK warns of every task
 * it can no longer complete.
 */
export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
}
