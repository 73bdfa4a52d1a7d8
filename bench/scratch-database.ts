// A migrated scratch database on the benchmark's PostgreSQL (DATABASE_URL), dropped afterwards.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../db/migrate';

export async function withScratchDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set (npm run bench starts PostgreSQL)');
  const name = `rrm_bench_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString(), () => undefined);
    return await run(url.toString());
  } finally {
    await connectionsClosed(admin, name);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * Waits (up to 5 s) until the database has no session left: a pg pool's end() resolves before its
 * connections have closed, and dropping the database under them would fail them with an error event.
 */
async function connectionsClosed(admin: Client, name: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 100) {
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = $1',
      [name],
    );
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
