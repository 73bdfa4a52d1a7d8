// kill -9 of the worker at each stage of an event (docs/durability.md), for DFS_RADAR, NON_WIFI_BURST
// (channel change and OBSS-PD), HW_FAILURE (neighbour steps) and DENSITY_SPIKE, each on a floor of its
// own. The worker is its own OS process; every kill point is reached deterministically
// (test/chaos/kill-points.ts: a held controller change or scan, a locked audit table, a stage seen in
// `status`), then the worker is killed with SIGKILL, the hook released and a new worker process
// started. What happened is counted from outside: the controller's change log, the events' results,
// the audit table and the coordinators' state. Windows are 8 s here (test/chaos/case.ts says why).
import { KILL_POINT_TITLES, KILL_POINTS, killWorkerAt } from './kill-points';
import { useChaosCases } from './use-chaos-cases';

/** A case runs about 30 s alone; beside other suites on 2 cores, several times that. */
const CASE_TIMEOUT_MS = 240_000;

describe('kill -9 of the worker at each stage of an event', () => {
  const { db, startCase, expectNothingLostOrDoubled } = useChaosCases();

  for (const point of KILL_POINTS) {
    it(
      KILL_POINT_TITLES[point],
      async () => {
        const c = await startCase();
        const { eventIds, mustRollBack } = await killWorkerAt(point, c, db().pool);
        await expectNothingLostOrDoubled(c, eventIds, { mustRollBack });
        expect(c.worker.kills).toBe(1);
      },
      CASE_TIMEOUT_MS,
    );
  }
});
