// The Temporal server killed (SIGKILL) and started again on the same history file, in the middle of
// monitor windows and of a radar closure's 30-minute Non-Occupancy Period (docs/durability.md).
// Time-skipping cannot do this one: the server itself goes away. The dev server is the test's own
// (test/chaos/private-temporal.ts); the worker is its own process and outlives it. Windows are 8 s
// here (test/chaos/case.ts says why); the Non-Occupancy Period keeps its real 30 minutes, and the
// test checks the closure outlived the restart (test/chaos/outages.ts), not its end.
import { Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startChaosCase, type ChaosCase } from './case';
import { countFaults, faultsOf, NO_FAULTS } from './ledger';
import { serverKilled } from './outages';
import { startPrivateTemporal, type PrivateTemporal } from './private-temporal';

describe('the Temporal server killed and restarted mid-window', () => {
  let temporal: PrivateTemporal;
  let db: TestDatabase;
  let connection: Connection;
  let c: ChaosCase;

  beforeAll(async () => {
    temporal = await startPrivateTemporal();
    db = await createTestDatabase();
    connection = await Connection.connect({ address: temporal.address });
    c = await startChaosCase({ connection, databaseUrl: db.url, temporalAddress: temporal.address });
  });
  afterAll(async () => {
    await c?.close();
    await connection?.close();
    await temporal?.remove();
    await db?.drop();
  });

  it('keeps every event, its window and the radar closure', async () => {
    const { eventIds } = await serverKilled(c, temporal, 15_000);
    const ledger = await countFaults({ rrm: c.rrm, sim: c.sim, pool: db.pool, eventIds, apIds: c.allAps });
    expect(faultsOf(ledger)).toEqual(NO_FAULTS);
  }, 240_000);
});
