// A service of the self-hosted cluster killed (SIGKILL) in the middle of events and started again:
// the history service (it owns the shards: every workflow's state), then the matching service (it
// hands out the tasks). Run by the cluster command only (scripts/test-cluster.sh, docs/scaling.md).
// The cluster is the test's own (test/cluster/private-cluster.ts); two worker processes of the chaos
// case share its task queue and outlive the fault. Every event has its change in flight at the
// controller when the service dies, and the controller takes each while the service is down; then
// every event must still reach its outcome with nothing applied or signed twice, counted from outside
// the workflows (test/chaos/ledger.ts). Windows are 8 s here (test/chaos/case.ts says why).
import { Connection } from '@temporalio/client';
import { simRequest } from '../support/sim-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  changesOf,
  heldRequests,
  holdChanges,
  injectAll,
  startChaosCase,
  submitAll,
  until,
  type ChaosCase,
} from '../chaos/case';
import { countFaults, faultsOf, NO_FAULTS } from '../chaos/ledger';
import { startPrivateCluster, type ClusterService, type PrivateCluster } from './private-cluster';

const COPIES = 2;
const DOWN_MS = 10_000;

describe('a service of the self-hosted cluster killed mid-events and started again', () => {
  let cluster: PrivateCluster;
  let db: TestDatabase;
  let connection: Connection;
  const cases: ChaosCase[] = [];

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    db = await createTestDatabase();
    connection = await Connection.connect({ address: cluster.address });
  }, 180_000);
  afterAll(async () => {
    for (const c of cases) await c.close();
    await connection?.close();
    await cluster?.remove();
    await db?.drop();
  }, 60_000);

  /** A chaos case on the cluster with two worker processes on its task queue. */
  async function twoWorkerCase(): Promise<ChaosCase> {
    const c = await startChaosCase({
      connection,
      databaseUrl: db.url,
      temporalAddress: cluster.address,
      copies: COPIES,
    });
    cases.push(c);
    await c.newWorker().start();
    return c;
  }

  it.each<ClusterService>(['history', 'matching'])(
    'the %s service: every event reaches its outcome, nothing applied twice',
    async (service) => {
      const c = await twoWorkerCase();
      await holdChanges(c);
      await injectAll(c);
      const eventIds = await submitAll(c);
      // Every event has a change in flight at the controller.
      await until(async () => (await heldRequests(c)).changeHold.waiting >= eventIds.length);
      for (const id of eventIds) expect((await c.rrm.status(id)).outcome).toBeUndefined();

      await cluster.kill(service);
      try {
        // The controller takes the held changes with the service down: the workers learn of them,
        // and must report them, while it is gone.
        await simRequest(c.sim.url, 'DELETE', '/v1/inject/change-hold?held=apply');
        // The four radio changes of each set (a failover's first step marks its AP down, which the
        // change log does not list).
        expect(changesOf(c, eventIds)).toHaveLength(4 * COPIES);
        await new Promise((r) => setTimeout(r, DOWN_MS));
        expect(await cluster.listening(service)).toBe(false);
      } finally {
        await cluster.start(service);
      }

      const ledger = await countFaults({
        rrm: c.rrm,
        sim: c.sim,
        pool: db.pool,
        eventIds,
        apIds: c.allAps,
        timeoutMs: 150_000,
      });
      expect(faultsOf(ledger)).toEqual(NO_FAULTS);
      expect(ledger.events).toBe(5 * COPIES);
    },
    300_000,
  );
});
