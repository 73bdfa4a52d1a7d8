// Ends the workflows still running on a task queue: used when the controller they act on is gone
// (a restarted main job's simulator, a finished benchmark) and no worker will carry them on.
import type { Client } from '@temporalio/client';
import { coordinatorTaskQueue } from '../../workflows/contract';

/** Terminates every running event on `taskQueue` and coordinator beside it, with `reason`; returns how many. */
export async function terminateRunningWorkflows(
  client: Client,
  taskQueue: string,
  reason: string,
): Promise<number> {
  const queues = [taskQueue, coordinatorTaskQueue(taskQueue)].map((q) => `'${q}'`).join(', ');
  const query = `TaskQueue IN (${queues}) AND ExecutionStatus = 'Running'`;
  let ended = 0;
  for await (const wf of client.workflow.list({ query })) {
    await client.workflow
      .getHandle(wf.workflowId, wf.runId)
      .terminate(reason)
      .catch(() => undefined);
    ended++;
  }
  return ended;
}
