// Three worker processes on the task queue, one of them killed -9 every few seconds (and started
// again) while a burst of every event type runs: six of each, thirty events at once, their audit
// records written in shared batches (docs/durability.md). Nothing may be lost or doubled, counted
// from outside. Windows are 8 s here (test/chaos/case.ts says why).
import { injectEveryFault, submitEveryType } from './case';
import { useChaosCases } from './use-chaos-cases';
import type { WorkerProcess } from '../support/worker-process';

const COPIES = 6;
const KILL_EVERY_MS = 4_000;

describe('three workers, one killed every few seconds through a burst', () => {
  const { startCase, expectNothingLostOrDoubled } = useChaosCases();

  it('loses nothing and takes nothing twice', async () => {
    const c = await startCase({ copies: COPIES });
    const workers: WorkerProcess[] = [c.worker, c.newWorker(), c.newWorker()];
    await Promise.all(workers.slice(1).map((w) => w.start()));
    const copies = Array.from({ length: COPIES }, (_, i) => i);
    for (const copy of copies) await injectEveryFault(c, copy);
    const eventIds = (await Promise.all(copies.map((copy) => submitEveryType(c, copy)))).flat();

    // Kill one worker every few seconds, round robin, until every event has ended; each starts again
    // in the background, so the cadence does not wait for a worker's start-up (its workflow bundle
    // takes seconds to build on a busy machine). One still starting is passed over this time.
    let settled = false;
    const churn = (async () => {
      const starting = new Map<WorkerProcess, Promise<void>>();
      for (let i = 0; !settled; i++) {
        await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
        if (settled) break;
        const victim = workers[i % workers.length];
        if (starting.has(victim)) continue;
        await victim.kill();
        starting.set(
          victim,
          victim.start().finally(() => starting.delete(victim)),
        );
      }
      await Promise.all(starting.values());
    })();
    try {
      await Promise.all(eventIds.map((id) => c.rrm.result(id)));
    } finally {
      settled = true;
      await churn;
    }
    // Counted with the churn over: the coordinators' state is asked of live workers.
    await expectNothingLostOrDoubled(c, eventIds);
    expect(workers.reduce((n, w) => n + w.kills, 0)).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
