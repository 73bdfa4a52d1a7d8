// An update sent while the workflow's task is being retried (its worker died: the task waits out its
// timeout, then runs on another worker) is refused by the server with FAILED_PRECONDITION, "Workflow
// Task in failed state". That is transient and the update was not admitted, so it is sent again,
// with backoff, until the task has run or the bound has passed.
import { ServiceError } from '@temporalio/client';

const FAILED_PRECONDITION = 9;
/** About the sticky queue's timeout after a worker's death (10 s) plus a task's run, with room. */
const RECOVERY_BOUND_MS = 60_000;

export async function onceTaskRecovers<T>(send: () => Promise<T>, boundMs = RECOVERY_BOUND_MS): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (let delayMs = 200; ; delayMs = Math.min(2 * delayMs, 2_000)) {
    try {
      return await send();
    } catch (err) {
      if (!taskBeingRetried(err) || Date.now() + delayMs > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function taskBeingRetried(err: unknown): boolean {
  if (!(err instanceof ServiceError)) return false;
  const cause = err.cause as { code?: number; message?: string } | undefined;
  return cause?.code === FAILED_PRECONDITION && /workflow task in failed state/i.test(cause.message ?? '');
}
