// A fresh, migrated PostgreSQL database per test suite, on the server of DATABASE_URL, so parallel
// jest workers never share state.
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrate } from '../../db/migrate';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** The server the tests run against; fails with how to get one when it is not configured. */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run the tests with `npm test`, or first ' +
        '`eval "$(bash scripts/postgres.sh start rrm)"` to start PostgreSQL',
    );
  }
  return url;
}

async function admin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = serverUrl();
  const name = `rrm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(server, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const dropDatabase = () =>
    admin(server, async (c) => {
      // pool.end() resolves before its connections have closed: a forced drop that overtakes them
      // makes each emit an unhandled error. Give them a moment; force only what is left after it.
      for (let i = 0; i < 50; i += 1) {
        const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  try {
    await migrate(dbUrl);
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const pool = new Pool({ connectionString: dbUrl, max: 20 });
  return {
    url: dbUrl,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase();
    },
  };
}
