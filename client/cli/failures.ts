// Why an `rrm` command failed, in one line that names the cause and the fix: Temporal unreachable,
// no worker polling the task queue, the database unreachable. Everything else keeps its own message.
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { RrmConfig } from '../../config/env';
import type { RunningStack } from '../../config/running-stack';

/** Where the settings came from, for the fix a message suggests. */
function settingsHint(stack: RunningStack | undefined): string {
  return stack
    ? `the settings came from ${stack.file}, written by the main job started ${stack.startedAt}: is \`npm start\` still running?`
    : 'start the loop with `npm start`, or point TEMPORAL_ADDRESS (with TEMPORAL_TLS_* or TEMPORAL_API_KEY) at your cluster';
}

export function temporalUnreachable(err: unknown, config: RrmConfig, stack?: RunningStack): Error {
  const cause = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return new Error(
    `Temporal unreachable at ${config.temporal.connection.address} (${cause}); ${settingsHint(stack)}`,
  );
}

/**
 * A call to Temporal that failed: when no worker polls the task queue (the loop is not running),
 * that is the answer; otherwise the failure as it was.
 */
export async function explainTemporalFailure(
  err: unknown,
  client: Client,
  config: RrmConfig,
  stack?: RunningStack,
): Promise<unknown> {
  if (!(err instanceof ServiceError || isGrpcServiceError(err))) return err;
  return (await noWorker(client, config, stack)) ?? err;
}

/**
 * Why a command that needs the loop's worker (a query, an update, waiting for an outcome) cannot be
 * answered, or undefined when a worker polls the task queue (or the check itself failed).
 */
export async function noWorker(
  client: Client,
  config: RrmConfig,
  stack?: RunningStack,
): Promise<Error | undefined> {
  const { taskQueue, namespace } = config.temporal;
  const pollers = await workflowPollers(client, namespace, taskQueue).catch(() => undefined);
  if (pollers !== 0) return undefined;
  const where = stack ? ` (${settingsHint(stack)})` : '';
  return new Error(
    `no worker polls task queue ${taskQueue} in namespace ${namespace}: the loop is not running` +
      `${where}. Start it with \`npm start\` (or \`npm run worker\`), or set TEMPORAL_TASK_QUEUE to the queue your worker polls`,
  );
}

async function workflowPollers(client: Client, namespace: string, taskQueue: string): Promise<number> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers?.length ?? 0;
}

/** PostgreSQL's connection failures (refused, unknown host, bad password, no such database). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '28P01',
  '28000',
  '3D000',
  '57P03',
]);

/** A database failure that means PostgreSQL could not be reached, named with DATABASE_URL's host. */
export function explainDatabaseFailure(err: unknown, databaseUrl: string | undefined): unknown {
  const code = (err as { code?: string } | undefined)?.code;
  if (!databaseUrl || !code || !UNREACHABLE_CODES.has(code)) return err;
  const { host, pathname } = new URL(databaseUrl);
  const cause = err instanceof Error && err.message ? err.message : code;
  return new Error(
    `PostgreSQL unreachable at ${host}${pathname} (DATABASE_URL): ${cause}; start it (the main job does: \`npm start\`) or fix DATABASE_URL`,
  );
}
