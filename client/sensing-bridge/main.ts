// Sensing bridge process: polls the controller's sensing results (RRM_CONTROLLER_URL) and submits
// the events they call for to Temporal (TEMPORAL_*), de-duplicated per condition episode.
// Tuning: RRM_SENSING_INTERVAL_MS (5000), RRM_SENSING_HOLD_DOWN_MS (60000), RRM_SENSING_RERAISE_MS
// (600000), RRM_SENSING_MIN_CONFIDENCE (0.5), RRM_SENSING_STATE_FILE (none: episodes kept in memory).
import { z } from 'zod';
import { loadConfig } from '../../config/env';
import { parseEnv } from '../../config/parse-env';
import { controllerUrlOf } from '../../config/controller';
import { connectController } from '../../activities/controller/connect';
import { logger } from '../../config/logger';
import { loadPolicy } from '../../config/policy-file';
import { startTracing } from '../../config/tracing';
import { RrmClient } from '../library';
import { DEFAULT_BRIDGE_OPTIONS, SensingBridge } from './bridge';

const BridgeEnv = z.object({
  RRM_SENSING_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  RRM_SENSING_HOLD_DOWN_MS: z.coerce.number().int().nonnegative().default(DEFAULT_BRIDGE_OPTIONS.holdDownMs),
  RRM_SENSING_RERAISE_MS: z.coerce.number().int().positive().default(DEFAULT_BRIDGE_OPTIONS.reraiseMs),
  RRM_SENSING_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(DEFAULT_BRIDGE_OPTIONS.minConfidence),
  RRM_SENSING_STATE_FILE: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const config = loadConfig();
  const env = parseEnv(BridgeEnv, process.env);
  // The policy gives each submitted event its severity (and with it its Temporal priority).
  const tracing = startTracing('rrm-sensing-bridge');
  const rrm = await RrmClient.connect(config.temporal, loadPolicy(config.policyFile), {
    traced: tracing !== undefined,
  });
  const bridge = new SensingBridge({
    sensing: connectController(config.controller),
    submit: (events) => rrm.submit(events),
    intervalMs: env.RRM_SENSING_INTERVAL_MS,
    holdDownMs: env.RRM_SENSING_HOLD_DOWN_MS,
    reraiseMs: env.RRM_SENSING_RERAISE_MS,
    minConfidence: env.RRM_SENSING_MIN_CONFIDENCE,
    stateFile: env.RRM_SENSING_STATE_FILE,
    logger,
  });
  await bridge.start();
  logger.info({ controller: controllerUrlOf(config.controller), ...env }, 'sensing bridge started');

  const stop = (signal: string): void => {
    logger.info({ signal }, 'sensing bridge stopping');
    bridge
      .stop()
      .then(() => rrm.close())
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
