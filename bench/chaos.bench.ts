// The chaos suite's kill points over many events (docs/durability.md): for each, ten sets of the five
// floors (fifty events; the turn-waiting point: twenty-five radar/spike pairs) reach the point, the
// worker process is killed with SIGKILL and a new one started. Prints per kill point what was
// counted from outside (test/chaos/ledger.ts): events, lost, changes taken twice, missed rollbacks,
// audit duplicates and records out of order, radios out of place, turns left held, and the recovery
// time: kill → the next audit record written by the new worker. Windows are 8 s (test/chaos/case.ts).
// `npm run bench`; BENCH_CHAOS_COPIES sets the sets of floors (default 10).
import { Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { Pool as PgPool } from 'pg';
import { startChaosCase } from '../test/chaos/case';
import { KILL_POINTS, killWorkerAt, type KilledRun } from '../test/chaos/kill-points';
import { countFaults, faultsOf } from '../test/chaos/ledger';
import { requireTemporalAddress } from './bench-runtime';
import { withScratchDatabase } from './scratch-database';

const COPIES = Number(process.env.BENCH_CHAOS_COPIES ?? 10);

async function main(): Promise<void> {
  const address = requireTemporalAddress();
  const connection = await Connection.connect({ address });
  try {
    for (const point of KILL_POINTS) {
      await withScratchDatabase(async (databaseUrl) => {
        const pool = new PgPool({ connectionString: databaseUrl });
        // The turn-waiting point submits two events per set of floors, the others five.
        const copies = point === 'waiting' ? Math.ceil((COPIES * 5) / 2) : COPIES;
        const c = await startChaosCase({ connection, databaseUrl, copies });
        try {
          const run = await killWorkerAt(point, c, pool);
          const recoveryMs = await recovery(pool, run);
          const ledger = await countFaults({
            rrm: c.rrm,
            sim: c.sim,
            pool,
            eventIds: run.eventIds,
            apIds: c.allAps,
            mustRollBack: run.mustRollBack,
            timeoutMs: 180_000,
          });
          const counts = Object.entries(faultsOf(ledger))
            .map(([name, found]) => `${name} ${Array.isArray(found) ? found.length : found ? 1 : 0}`)
            .join(', ');
          console.log(
            `chaos, worker killed ${point.padEnd(8)}: ${ledger.events} events; ${counts}; ` +
              `recovery (kill → next audit record) ${(recoveryMs / 1000).toFixed(1)} s`,
          );
        } finally {
          await c.close();
          await pool.end();
        }
      });
    }
  } finally {
    await connection.close();
  }
}

/** Kill → the first audit record of the run's events written after the new worker started. */
async function recovery(pool: Pool, run: KilledRun): Promise<number> {
  for (const giveUpAt = Date.now() + 180_000; Date.now() < giveUpAt;) {
    const { rows } = await pool.query<{ first: Date | null }>(
      `select min(recorded_at) as first from audit_records where event_id = any($1) and recorded_at >= $2`,
      [run.eventIds, new Date(run.restartedAt)],
    );
    if (rows[0].first) return rows[0].first.getTime() - run.killedAt;
    await new Promise((r) => setTimeout(r, 100));
  }
  return NaN;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
