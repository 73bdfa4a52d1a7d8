// PostgreSQL stopped for 60 s while events of every type arrive (docs/durability.md). The DFS moves
// of that minute happen within the Channel Move Time all the same: a safety action never waits for
// the audit store. Everything else reaches its outcome once PostgreSQL is back, and every audit
// record appears once, in order. The cluster is the test's own (test/chaos/private-postgres.ts); the
// worker is its own process, as in production. Windows are 8 s here (test/chaos/case.ts says why).
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { CHANNEL_MOVE_TIME_MS } from '../../domain/regulatory';
import { eventually } from '../support/stack';
import { injectEveryFault, startChaosCase, submitEveryType, type ChaosCase } from './case';
import { countFaults, faultsOf, NO_FAULTS } from './ledger';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

const OUTAGE_MS = 60_000;

describe('PostgreSQL stopped for 60 s while events arrive', () => {
  let pg: PrivatePostgres;
  let connection: Connection;
  let c: ChaosCase;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    c = await startChaosCase({ connection, databaseUrl: pg.url });
  });
  afterAll(async () => {
    await c?.close();
    await connection?.close();
    await pg?.remove();
  });

  /** Milliseconds from `since` to the radio's move off radar channel 52, once it happened. */
  const moveOffRadar = (apId: string, since: number) =>
    eventually(async () => {
      const move = c.sim.world
        .changes(apId)
        .find((m) => m.radio === '5g' && m.previous.channel === 52 && m.current.channel !== 52);
      return move ? Date.parse(move.appliedAt) - since : undefined;
    }, 20_000);

  it('moves every radar radio within the Channel Move Time, and settles the rest once it is back', async () => {
    await injectEveryFault(c);
    await pg.stop();
    const stoppedAt = Date.now();

    const firstAt = Date.now();
    const eventIds = await submitEveryType(c);
    expect(await moveOffRadar(c.ap('radar', 'ap-05'), firstAt)).toBeLessThanOrEqual(CHANNEL_MOVE_TIME_MS);

    // Halfway through the outage, radar hits another floor's AP on channel 52.
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2 - (Date.now() - stoppedAt)));
    const secondAt = Date.now();
    const [second] = await c.rrm.submit([
      { type: 'DFS_RADAR', apId: c.ap('obss', 'ap-05'), data: { channel: 52 } },
    ]);
    expect(await moveOffRadar(c.ap('obss', 'ap-05'), secondAt)).toBeLessThanOrEqual(CHANNEL_MOVE_TIME_MS);

    // Nothing could be signed while PostgreSQL was down: no event has ended.
    for (const id of [...eventIds, second.eventId]) expect((await c.rrm.status(id)).outcome).toBeUndefined();

    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - stoppedAt)));
    await pg.start();
    const pool = new Pool({ connectionString: pg.url });
    try {
      const ledger = await countFaults({
        rrm: c.rrm,
        sim: c.sim,
        pool,
        eventIds: [...eventIds, second.eventId],
        apIds: c.allAps,
        timeoutMs: 120_000,
      });
      expect(faultsOf(ledger)).toEqual(NO_FAULTS);
    } finally {
      await pool.end();
    }
  }, 300_000);
});
