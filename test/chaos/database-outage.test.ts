// PostgreSQL stopped for 60 s while events of every type arrive (docs/durability.md). The DFS moves
// of that minute happen within the Channel Move Time all the same: a safety action never waits for
// the audit store. Everything else reaches its outcome once PostgreSQL is back, and every audit
// record appears once, in order. The cluster is the test's own (test/chaos/private-postgres.ts); the
// worker is its own process, as in production. Windows are 8 s here (test/chaos/case.ts says why).
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { CHANNEL_MOVE_TIME_MS } from '../../domain/dfs';
import { startChaosCase, type ChaosCase } from './case';
import { countFaults, faultsOf, NO_FAULTS } from './ledger';
import { databaseStopped } from './outages';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

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

  it('moves every radar radio within the Channel Move Time, and settles the rest once it is back', async () => {
    const { eventIds, radarMoves } = await databaseStopped(c, pg, 60_000);
    expect(radarMoves).toHaveLength(2);
    expect(Math.max(...radarMoves)).toBeLessThanOrEqual(CHANNEL_MOVE_TIME_MS);
    const pool = new Pool({ connectionString: pg.url });
    try {
      const ledger = await countFaults({
        rrm: c.rrm,
        sim: c.sim,
        pool,
        eventIds,
        apIds: c.allAps,
        timeoutMs: 120_000,
      });
      expect(faultsOf(ledger)).toEqual(NO_FAULTS);
    } finally {
      await pool.end();
    }
  }, 300_000);
});
