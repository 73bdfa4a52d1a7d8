// The chaos suite's faults over many events (docs/durability.md): ten sets of the five floors (fifty
// events; the turn-waiting kill point: twenty-five radar/spike pairs) per fault. The worker process
// killed with SIGKILL at each kill point (test/chaos/kill-points.ts); PostgreSQL stopped 60 s, the
// Temporal server killed and restarted, the controller unreachable 30 s (test/chaos/outages.ts).
// Prints per fault what was counted from outside (test/chaos/ledger.ts) and the recovery time: the
// fault's end (the kill, PostgreSQL or the server back, the controller back) → the next audit record.
// Windows are 8 s (test/chaos/case.ts). `npm run bench`; BENCH_CHAOS_COPIES sets the sets of floors.
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { startChaosCase, type ChaosCase } from '../test/chaos/case';
import { KILL_POINTS, killWorkerAt } from '../test/chaos/kill-points';
import { countFaults, faultsOf } from '../test/chaos/ledger';
import { controllerUnreachable, databaseStopped, serverKilled } from '../test/chaos/outages';
import { startPrivatePostgres } from '../test/chaos/private-postgres';
import { startPrivateTemporal } from '../test/chaos/private-temporal';
import { requireTemporalAddress } from './bench-runtime';
import { withScratchDatabase } from './scratch-database';

const COPIES = Number(process.env.BENCH_CHAOS_COPIES ?? 10);

/** What a fault left behind: its events, when it ended, radar moves made while it lasted. */
interface FaultResult {
  eventIds: string[];
  endedAt: number;
  mustRollBack?: string[];
  radarMoves?: number[];
}

type Fault = (c: ChaosCase, pool: Pool) => Promise<FaultResult>;

async function main(): Promise<void> {
  const address = requireTemporalAddress();
  for (const point of KILL_POINTS) {
    // The turn-waiting point submits two events per set of floors, the others five.
    const copies = point === 'waiting' ? Math.ceil((COPIES * 5) / 2) : COPIES;
    await onScratchDatabase(`worker killed ${point}`, address, copies, async (c, pool) => {
      const run = await killWorkerAt(point, c, pool);
      return { ...run, endedAt: run.killedAt };
    });
  }

  const pg = await startPrivatePostgres();
  try {
    const connection = await Connection.connect({ address });
    const pool = () => new Pool({ connectionString: pg.url });
    try {
      await measure(
        'PostgreSQL stopped 60 s',
        { connection, databaseUrl: pg.url, copies: COPIES },
        pool,
        (c) => databaseStopped(c, pg, 60_000),
      );
    } finally {
      await connection.close();
    }
  } finally {
    await pg.remove();
  }

  const temporal = await startPrivateTemporal();
  try {
    await onScratchDatabase('Temporal server killed 15 s', temporal.address, COPIES, (c) =>
      serverKilled(c, temporal, 15_000),
    );
  } finally {
    await temporal.remove();
  }

  await onScratchDatabase('controller unreachable 30 s', address, COPIES, (c) =>
    controllerUnreachable(c, 30_000),
  );
}

/** Runs `fault` on a case with its own scratch database on the server at `address`. */
async function onScratchDatabase(name: string, address: string, copies: number, fault: Fault): Promise<void> {
  await withScratchDatabase(async (databaseUrl) => {
    const connection = await Connection.connect({ address });
    try {
      const opts = { connection, databaseUrl, copies, temporalAddress: address };
      await measure(name, opts, () => new Pool({ connectionString: databaseUrl }), fault);
    } finally {
      await connection.close();
    }
  });
}

async function measure(
  name: string,
  opts: Parameters<typeof startChaosCase>[0],
  newPool: () => Pool,
  fault: Fault,
): Promise<void> {
  const c = await startChaosCase(opts);
  let pool = newPool();
  try {
    const run = await fault(c, pool);
    // A pool that lived through a database outage holds dead connections: count with a fresh one.
    await pool.end();
    pool = newPool();
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
      .map(([what, found]) => `${what} ${Array.isArray(found) ? found.length : found ? 1 : 0}`)
      .join(', ');
    const radar = run.radarMoves?.length
      ? `; radar moves during the fault: ${run.radarMoves.length}, slowest ${Math.max(...run.radarMoves)} ms`
      : '';
    console.log(
      `chaos, ${name}: ${ledger.events} events; ${counts}${radar}; ` +
        `recovery (fault ends → next audit record) ${(recoveryMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await c.close();
    await pool.end();
  }
}

/** The fault's end → the first audit record of its events written after it. */
async function recovery(pool: Pool, run: FaultResult): Promise<number> {
  for (const giveUpAt = Date.now() + 180_000; Date.now() < giveUpAt;) {
    const { rows } = await pool.query<{ first: Date | null }>(
      `select min(recorded_at) as first from audit_records where event_id = any($1) and recorded_at >= $2`,
      [run.eventIds, new Date(run.endedAt)],
    );
    if (rows[0].first) return rows[0].first.getTime() - run.endedAt;
    await new Promise((r) => setTimeout(r, 100));
  }
  return NaN;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
