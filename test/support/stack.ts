// The real stack for integration tests: the Temporal dev server started by `npm test`
// (TEMPORAL_ADDRESS), a fresh PostgreSQL database, the simulator over real HTTP and a worker on a
// task queue of its own. AP ids get a per-stack prefix so coordinators (`ap:<apId>`) of parallel
// test files never meet.
import { randomUUID } from 'node:crypto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { BUILT_IN_SCENARIO } from '../../simulator/scenario';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../simulator/server';
import type { ScenarioDefinition } from '../../simulator/types';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy';
import { createRrmWorker, type RrmWorkerOptions } from '../../workers/rrm-worker';
import { RrmClient } from '../../client/library';
import type { TemporalConfig } from '../../config/env';
import { createTestDatabase } from './database';
import { controllerFor } from './controller-face';
import type { ControllerPort } from '../../activities/controller';
export { eventually } from './eventually';

/** Audit keys for tests: fixed, so failures are reproducible. */
export const TEST_AUDIT_ENV: NodeJS.ProcessEnv = {
  RRM_AUDIT_HMAC_KEYS: `test-1:${Buffer.alloc(32, 7).toString('base64')}`,
  RRM_AUDIT_HMAC_KEY_ID: 'test-1',
};

// Keep test output to what matters: the SDK logs worker state changes at INFO.
Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file: bundling takes seconds. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/**
 * The built-in floor with every AP id prefixed, e.g. `t3f9-ap-05`. The APs draw as their own names,
 * so every stack sees the same clients and noise as the unprefixed floor, whatever its prefix.
 */
export function prefixedScenario(
  prefix: string,
  scenario: ScenarioDefinition = BUILT_IN_SCENARIO,
): ScenarioDefinition {
  return {
    ...scenario,
    aps: scenario.aps.map((ap) => ({ ...ap, apId: `${prefix}-${ap.apId}`, drawsAs: ap.drawsAs ?? ap.apId })),
  };
}

export interface Stack {
  rrm: RrmClient;
  taskQueue: string;
  sim: RunningSimulator;
  /** The controller port the worker drives (the simulator's native API or its OpenWiFi face). */
  controller: ControllerPort;
  databaseUrl: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The scenario's AP id for this stack: `ap('ap-05')`. */
  ap(id: string): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  policy?: Policy;
  scenario?: ScenarioDefinition;
  /** Connections of a time-skipping test environment, instead of the dev server. */
  temporal?: Pick<RrmWorkerOptions, 'nativeConnection' | 'client'> & { namespace: string };
  /** The simulator's clock and its sync before each request (a time-skipping server's time). */
  simClock?: Pick<StartSimulatorOptions, 'clock' | 'syncClock'>;
  /** Run the worker as this Worker Deployment Version (Worker Versioning); unversioned otherwise. */
  workerDeployment?: TemporalConfig['workerDeployment'];
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!opts.temporal && !address)
    throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `npm test`');
  const prefix = randomUUID().slice(0, 6);
  const policy = opts.policy ?? DEFAULT_POLICY;
  const db = await createTestDatabase();
  const sim = await startSimulator({
    port: 0,
    seed: 1,
    scenario: prefixedScenario(prefix, opts.scenario),
    ...opts.simClock,
  });
  const taskQueue = `test-${prefix}`;
  const controller = controllerFor(sim);
  const rrmWorker = await createRrmWorker({
    temporal: {
      connection: { address: address ?? '' },
      namespace: opts.temporal?.namespace ?? 'default',
      taskQueue,
      workerDeployment: opts.workerDeployment,
    },
    databaseUrl: db.url,
    controller,
    policy,
    env: TEST_AUDIT_ENV,
    workflowBundle: await workflowBundle(),
    nativeConnection: opts.temporal?.nativeConnection,
    client: opts.temporal?.client,
  });
  const running = rrmWorker.run();
  return {
    rrm: new RrmClient(rrmWorker.client, taskQueue, policy, { eagerStart: rrmWorker.eagerStart }),
    taskQueue,
    sim,
    controller,
    databaseUrl: db.url,
    query: async (sql, params) => (await db.pool.query(sql, params)).rows,
    ap: (id) => `${prefix}-${id}`,
    async stop() {
      rrmWorker.shutdown();
      await running;
      await rrmWorker.close();
      await sim.close();
      await db.drop();
    },
  };
}
