// Wires the loop's Temporal workers: connections, activities and the workflow bundle. Used by the
// worker entry point, the main job and the integration tests alike. Two workers share them: one on
// the events' task queue, one on the coordinators' (docs/coordination.md, "Task queues").
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Policy } from '../domain/policy';
import { createControllerActivities, type ControllerPort } from '../activities/controller';
import { createCoordinationActivities } from '../activities/coordination';
import { createClosureActivities, createClosureTable } from '../activities/closures';
import { createRadarReflexActivities } from '../activities/radar-reflex';
import { createPolicyActivities } from '../activities/policy';
import { loadAuditKeys, loadCheckpointKeys, startCheckpointTimer } from '../audit';
import { createAuditActivities } from '../activities/audit';
import { logger } from '../config/logger';
import type { TemporalConfig } from '../config/env';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { Tracing } from '../config/tracing';
import { LoopMetrics } from './metrics';
import { createPool } from '../db/pool';
import { coordinatorTaskQueue } from '../workflows/contract';

/** Temporal's OpenTelemetry workflow interceptors, bundled with the workflows when tracing is on. */
const OTEL_WORKFLOW_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** Event workflow tasks one worker runs at once (bench/latency.bench.ts measures the burst it serves). */
const EVENT_TASK_SLOTS = 200;
/**
 * Coordinators each worker keeps in memory between tasks (the SDK's default grows with the heap:
 * 2,310 here, for events and coordinators alike). A cached workflow costs about 300–450 KB
 * (bench/worker-memory.bench.ts); an evicted one replays its history at its next task. A coordinator
 * waits minutes between tasks (a watch's end, its idle timeout), so few need to stay; events wake at
 * every sample of their window (30 s), and evicting them costs more CPU than a burst can spare.
 */
const CACHED_COORDINATORS = 200;

export interface RrmWorkerOptions {
  temporal: TemporalConfig;
  databaseUrl: string;
  /** The controller the activities drive (activities/controller/connect.ts). */
  controller: ControllerPort;
  policy: Policy;
  env?: NodeJS.ProcessEnv;
  /** A prebuilt workflow bundle (tests build one per file); otherwise bundled from workflows/. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Existing connection to share, e.g. the time-skipping test environment's. */
  nativeConnection?: NativeConnection;
  client?: Client;
  /** Where the domain metrics are counted (workers/metrics.ts); a registry of its own otherwise. */
  metrics?: LoopMetrics;
  /** OpenTelemetry tracing (config/tracing.ts): workflows, activities and the client's calls traced. */
  tracing?: Tracing;
}

export interface RrmWorker {
  /** The events' worker and the coordinators' worker. */
  workers: { events: Worker; coordinators: Worker };
  /** Runs both workers until shutdown (or until either fails: then both stop). */
  run(): Promise<void>;
  /** Starts a graceful shutdown of both workers; `run()` resolves once they have stopped. */
  shutdown(): void;
  client: Client;
  /**
   * Whether `client` may start events eagerly on this worker (RrmClient's `eagerStart`): not under
   * Worker Versioning, where the server's routing, not the starting process, picks the build.
   */
  eagerStart: boolean;
  metrics: LoopMetrics;
  /** Closes what this wiring opened (not connections passed in). */
  close(): Promise<void>;
}

export async function createRrmWorker(opts: RrmWorkerOptions): Promise<RrmWorker> {
  const { temporal } = opts;
  const nativeConnection = opts.nativeConnection ?? (await NativeConnection.connect(temporal.connection));
  const client =
    opts.client ??
    new Client({
      // The worker's own connection: a client on it may start events eagerly (RrmClient's eagerStart).
      connection: nativeConnection,
      namespace: temporal.namespace,
      // The turn requests and closures the activities send stay in the event's trace.
      interceptors: opts.tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined,
    });
  const env = opts.env ?? process.env;
  const pool = createPool(opts.databaseUrl, 10, 'rrm-worker');
  // Radar moves read the closure table on a pool of their own: audit appends never queue ahead of them.
  const closurePool = createPool(opts.databaseUrl, 4, 'rrm-worker-closures');
  const closures = createClosureTable(closurePool);
  const metrics = opts.metrics ?? new LoopMetrics();
  metrics.countOperatorWaits(client, temporal.taskQueue);
  const { tracing } = opts;
  if (tracing && opts.workflowBundle)
    throw new Error('tracing needs the worker to bundle its own workflow code');
  const stopCheckpoints = startPeriodicCheckpoints(pool, env);

  const options: WorkerOptions = {
    connection: nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    // Bundled once for both workers.
    workflowBundle:
      opts.workflowBundle ??
      (await bundleWorkflowCode({
        workflowsPath: require.resolve('../workflows'),
        workflowInterceptorModules: tracing ? [OTEL_WORKFLOW_INTERCEPTORS] : [],
        logger: Runtime.instance().logger,
      })),
    activities: {
      ...createControllerActivities(opts.controller),
      ...createRadarReflexActivities({
        controller: opts.controller,
        closures,
        policy: () => opts.policy,
      }),
      ...createClosureActivities(closures),
      ...createCoordinationActivities(client, closures),
      ...createPolicyActivities(opts.policy),
      ...createAuditActivities(pool, loadAuditKeys(env)),
    },
    sinks: {
      ...metrics.sinks(),
      ...(tracing ? { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } : {}),
    },
    interceptors: {
      activity: [
        metrics.activityInterceptor(),
        ...(tracing
          ? [
              (ctx: ActivityContext) => ({
                inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
                outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
              }),
            ]
          : []),
      ],
    },
    ...versioning(temporal),
  };
  const workers = {
    // An event's first workflow task holds its slot while its coordinator answers the turn request
    // and the plan's reads run (local activities): a burst needs more slots than the default 40.
    events: await Worker.create({
      ...options,
      maxConcurrentWorkflowTaskExecutions: EVENT_TASK_SLOTS,
      maxConcurrentLocalActivityExecutions: 2 * EVENT_TASK_SLOTS,
    }),
    coordinators: await Worker.create({
      ...options,
      taskQueue: coordinatorTaskQueue(temporal.taskQueue),
      maxCachedWorkflows: CACHED_COORDINATORS,
    }),
  };
  const all = Object.values(workers);
  const shutdown = () => all.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());

  return {
    workers,
    async run() {
      const running = all.map((w) => w.run());
      try {
        await Promise.all(running);
      } catch (err) {
        shutdown();
        await Promise.allSettled(running);
        throw err;
      }
    },
    shutdown,
    client,
    // A client passed in may not be on the worker's connection (the time-skipping environment's is not).
    eagerStart: !temporal.workerDeployment && !opts.client,
    metrics,
    async close() {
      stopCheckpoints();
      await Promise.all([pool.end(), closurePool.end()]);
      if (!opts.nativeConnection) await nativeConnection.close();
    },
  };
}

/**
 * Worker Versioning (docs/upgrades.md), when a deployment version is configured: the worker polls
 * for that version only. Each workflow type declares its own behaviour (`rrmEvent` PINNED,
 * `apCoordinator` AUTO_UPGRADE, see their modules and workflows/versioning.ts); PINNED is the
 * fallback for a run that declares none (a run begun on an unversioned worker). Unset: an
 * unversioned worker, as before.
 */
function versioning(temporal: TemporalConfig): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!temporal.workerDeployment) return {};
  return {
    workerDeploymentOptions: {
      version: temporal.workerDeployment,
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  };
}

/**
 * Signs the audit chain head into RRM_AUDIT_CHECKPOINT_DIR every RRM_AUDIT_CHECKPOINT_INTERVAL_MS
 * (default 5 min) when checkpoint keys are configured, so truncation of the newest rows is caught.
 */
function startPeriodicCheckpoints(pool: Pool, env: NodeJS.ProcessEnv): () => void {
  const keys = loadCheckpointKeys(env);
  const dir = env.RRM_AUDIT_CHECKPOINT_DIR;
  if (!keys?.activeKeyId || !dir) return () => undefined;
  const intervalMs = Number(env.RRM_AUDIT_CHECKPOINT_INTERVAL_MS ?? 300_000);
  if (!Number.isInteger(intervalMs) || intervalMs < 1_000) {
    throw new Error(
      `RRM_AUDIT_CHECKPOINT_INTERVAL_MS must be a whole number of ms ≥ 1000, got "${intervalMs}"`,
    );
  }
  return startCheckpointTimer(pool, keys, dir, intervalMs, (err) =>
    logger.error({ err }, 'audit checkpoint failed'),
  );
}
