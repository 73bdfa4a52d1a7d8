// A chaos test file's shared pieces: a database (the suite's PostgreSQL), a client connection to the
// suite's dev server, and the cases it starts, all closed after the file.
import { Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startChaosCase, type ChaosCase, type ChaosCaseOptions } from './case';
import { countFaults, faultsOf, NO_FAULTS, type LedgerInput } from './ledger';

export interface ChaosCases {
  db(): TestDatabase;
  startCase(opts?: Pick<ChaosCaseOptions, 'copies'>): Promise<ChaosCase>;
  /** Waits for the events' outcomes and expects every count of test/chaos/ledger.ts to be zero. */
  expectNothingLostOrDoubled(
    c: ChaosCase,
    eventIds: string[],
    more?: Pick<LedgerInput, 'mustRollBack' | 'timeoutMs'>,
  ): Promise<void>;
}

export function useChaosCases(): ChaosCases {
  let db: TestDatabase | undefined;
  let connection: Connection | undefined;
  const running: ChaosCase[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    for (const c of running) await c.close();
    await connection?.close();
    await db?.drop();
  });
  return {
    db: () => db!,
    async startCase(opts = {}) {
      const c = await startChaosCase({ connection: connection!, databaseUrl: db!.url, ...opts });
      running.push(c);
      return c;
    },
    async expectNothingLostOrDoubled(c, eventIds, more = {}) {
      const ledger = await countFaults({
        rrm: c.rrm,
        sim: c.sim,
        pool: db!.pool,
        eventIds,
        apIds: c.allAps,
        ...more,
      });
      expect(faultsOf(ledger)).toEqual(NO_FAULTS);
    },
  };
}
