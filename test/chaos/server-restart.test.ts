// The Temporal server killed (SIGKILL) and started again on the same history file, in the middle of
// monitor windows and of a radar closure's 30-minute Non-Occupancy Period (docs/durability.md).
// Time-skipping cannot do this one: the server itself goes away. The dev server is the test's own
// (test/chaos/private-temporal.ts); the worker is its own process and outlives it. Windows are 8 s
// here (test/chaos/case.ts says why); the Non-Occupancy Period keeps its real 30 minutes, and the
// test checks the closure outlived the restart, not its end.
import { Connection } from '@temporalio/client';
import { NON_OCCUPANCY_PERIOD_MS } from '../../domain/regulatory';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/stack';
import { FLOORS, injectEveryFault, startChaosCase, submitEveryType, type ChaosCase } from './case';
import { countFaults, faultsOf, NO_FAULTS } from './ledger';
import { startPrivateTemporal, type PrivateTemporal } from './private-temporal';

const DOWN_MS = 15_000;

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
    await injectEveryFault(c);
    const eventIds = await submitEveryType(c);
    const watched = eventIds.filter((_, i) => FLOORS[i] !== 'failover');
    await Promise.all(
      watched.map((id) =>
        eventually(async () => ((await c.rrm.status(id)).stage === 'monitor' ? true : undefined), 30_000),
      ),
    );
    const radarAp = c.ap('radar', 'ap-05');
    const closedBefore = (await c.rrm.apState(radarAp)).closedChannels;
    expect(closedBefore.map((cc) => cc.channel)).toEqual([52, 56, 60, 64]);

    await temporal.kill();
    expect(await temporal.listening()).toBe(false);
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await temporal.start();

    const ledger = await countFaults({ rrm: c.rrm, sim: c.sim, pool: db.pool, eventIds, apIds: c.allAps });
    expect(faultsOf(ledger)).toEqual(NO_FAULTS);
    // The closure outlived the server: same channels, same end, about 30 minutes after the radar.
    const closedAfter = (await c.rrm.apState(radarAp)).closedChannels;
    expect(closedAfter).toEqual(closedBefore);
    expect(closedAfter[0].until - Date.now()).toBeGreaterThan(NON_OCCUPANCY_PERIOD_MS - 5 * 60_000);
  }, 240_000);
});
