// Wires one Temporal worker: connections, activities and the workflow bundle. Used by the worker
// entry point, the main job and the integration tests alike.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import type { Policy } from '../domain/policy';
import { createControllerActivities } from '../activities/controller';
import { createCoordinationActivities } from '../activities/coordination';
import { createPolicyActivities } from '../activities/policy';
import { createAuditActivities, loadAuditKeys } from '../activities/audit';
import type { TemporalConfig } from './config';

export interface RrmWorkerOptions {
  temporal: TemporalConfig;
  databaseUrl: string;
  controllerUrl: string;
  policy: Policy;
  env?: NodeJS.ProcessEnv;
  /** A prebuilt workflow bundle (tests build one per file); otherwise bundled from workflows/. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Existing connection to share, e.g. the time-skipping test environment's. */
  nativeConnection?: NativeConnection;
  client?: Client;
}

export interface RrmWorker {
  worker: Worker;
  client: Client;
  /** Closes what this wiring opened (not connections passed in). */
  close(): Promise<void>;
}

export async function createRrmWorker(opts: RrmWorkerOptions): Promise<RrmWorker> {
  const { temporal } = opts;
  const nativeConnection =
    opts.nativeConnection ?? (await NativeConnection.connect({ address: temporal.address }));
  const clientConnection = opts.client ? undefined : await Connection.connect({ address: temporal.address });
  const client = opts.client ?? new Client({ connection: clientConnection!, namespace: temporal.namespace });
  const pool = new Pool({ connectionString: opts.databaseUrl, max: 10 });

  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: {
      ...createControllerActivities(opts.controllerUrl),
      ...createCoordinationActivities(client),
      ...createPolicyActivities(opts.policy),
      ...createAuditActivities(pool, loadAuditKeys(opts.env ?? process.env)),
    },
  });

  return {
    worker,
    client,
    async close() {
      await pool.end();
      if (!opts.nativeConnection) await nativeConnection.close();
      await clientConnection?.close();
    },
  };
}
