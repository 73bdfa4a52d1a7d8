// Timers a workflow waits on but never cancels. `condition(ready, timeout)` cancels its timer when
// `ready` wins; Temporal's time-skipping test server strands a workflow task that cancels a timer
// which fired while the task was with the worker (temporalio/sdk-java#3088), and a signal meeting a
// timeout is exactly what the coordinator and a watched change live on. A timer left running only
// wakes the workflow once more when it fires, and waiting again for the same due time reuses it.
import { condition, sleep } from '@temporalio/workflow';

export class Alarms {
  private readonly pending = new Map<number, Promise<void>>();

  /** Resolves at `at` (epoch ms, workflow time). */
  at(at: number): Promise<void> {
    let timer = this.pending.get(at);
    if (!timer) {
      timer = sleep(Math.max(1, at - Date.now())).then(() => void this.pending.delete(at));
      this.pending.set(at, timer);
    }
    return timer;
  }

  /** Waits until `ready()` holds or the time `at` comes (no deadline: `ready` only); true when `ready()` held. */
  async until(ready: () => boolean, at?: number): Promise<boolean> {
    if (ready()) return true;
    await Promise.race(at === undefined ? [condition(ready)] : [condition(ready), this.at(at)]);
    return ready();
  }
}
