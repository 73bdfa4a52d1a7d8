// The real stack for integration tests: the Temporal dev server started by `npm test`
// (TEMPORAL_ADDRESS), a fresh PostgreSQL database, the simulator over real HTTP and a worker on a
// task queue of its own. AP ids get a per-stack prefix so coordinators (`ap:<apId>`) of parallel
// test files never meet.
// With RRM_TEST_WORKER_PROCESSES=N (the cluster run, scripts/test-cluster.sh), the worker is N worker
// processes on the task queue (`npm run worker`, test/support/worker-process.ts) instead of one in
// this process, for every stack whose worker settings a process takes from its environment.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
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
import { controllerEnvFor, controllerFor } from './controller-face';
import type { ControllerPort } from '../../activities/controller';
import { TEST_AUDIT_ENV } from './audit-env';
import { WorkerProcess } from './worker-process';
export { eventually } from './eventually';

export { TEST_AUDIT_ENV };

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
  /** The worker processes on the task queue (RRM_TEST_WORKER_PROCESSES); none: the worker is in-process. */
  workers: WorkerProcess[];
  stop(): Promise<void>;
}

/** How many worker processes a stack runs instead of its in-process worker (0: none). */
export function workerProcesses(): number {
  const n = Number(process.env.RRM_TEST_WORKER_PROCESSES ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new Error(`RRM_TEST_WORKER_PROCESSES: not a count: ${n}`);
  return n;
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
  const stack = {
    taskQueue,
    sim,
    controller,
    databaseUrl: db.url,
    query: async <T>(sql: string, params?: unknown[]) => (await db.pool.query(sql, params)).rows as T[],
    ap: (id: string) => `${prefix}-${id}`,
  };
  const processes = workerProcesses();
  if (processes > 0 && address && !opts.temporal && !opts.workerDeployment && !opts.simClock) {
    const workers = Array.from(
      { length: processes },
      () =>
        new WorkerProcess({
          taskQueue,
          databaseUrl: db.url,
          controllerEnv: controllerEnvFor(sim),
          policy,
          temporalAddress: address,
        }),
    );
    const connection = await Connection.connect({ address });
    try {
      await Promise.all(workers.map((w) => w.start()));
    } catch (err) {
      await Promise.all(workers.map((w) => w.stop()));
      await connection.close();
      await sim.close();
      await db.drop();
      throw err;
    }
    return {
      ...stack,
      rrm: new RrmClient(new Client({ connection, namespace: 'default' }), taskQueue, policy),
      workers,
      async stop() {
        await Promise.all(workers.map((w) => w.stop()));
        await connection.close();
        await sim.close();
        await db.drop();
      },
    };
  }
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
    ...stack,
    rrm: new RrmClient(rrmWorker.client, taskQueue, policy, { eagerStart: rrmWorker.eagerStart }),
    workers: [],
    async stop() {
      rrmWorker.shutdown();
      await running;
      await rrmWorker.close();
      await sim.close();
      await db.drop();
    },
  };
}
