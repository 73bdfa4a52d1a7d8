import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { migrate } from '../../db/migrate';
import { serverUrl } from '../support/database';

const run = promisify(execFile);

describe('migrate', () => {
  const name = `rrm_test_migrate_${randomBytes(4).toString('hex')}`;
  let server: string;
  let url: string;

  const onServer = async (sql: string) => {
    const client = new Client({ connectionString: server });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  const query = async (sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client.query(sql).finally(() => client.end());
  };

  beforeAll(async () => {
    server = serverUrl();
    url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
    await onServer(`CREATE DATABASE "${name}"`);
  });
  afterAll(() => server && onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

  it('is safe when several runs race on a fresh database, and idempotent', async () => {
    await Promise.all([migrate(url), migrate(url), migrate(url)]);
    await migrate(url);
    const applied = await query('SELECT name FROM pgmigrations ORDER BY id');
    // Every migration in the directory, each applied exactly once, in order.
    const files = (await readdir(path.join(__dirname, '../../db/migrations')))
      .filter((file) => file.endsWith('.sql'))
      .map((file) => file.replace(/\.sql$/, ''))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(applied.rows.map((r) => r.name)).toEqual(files);
    const head = await query('SELECT chain_position::int AS position, row_hash FROM audit_chain_head');
    expect(head.rows).toEqual([{ position: 0, row_hash: '0'.repeat(64) }]);
  });

  it('runs from the command line with DATABASE_URL', async () => {
    const root = path.join(__dirname, '../..');
    const { stdout } = await run(path.join(root, 'node_modules/.bin/tsx'), ['db/migrate.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
    });
    expect(stdout).toContain('migrations: up to date');
  });

  it('fails with a clear message without DATABASE_URL', async () => {
    const root = path.join(__dirname, '../..');
    const env = { ...process.env };
    delete env.DATABASE_URL;
    await expect(
      run(path.join(root, 'node_modules/.bin/tsx'), ['db/migrate.ts'], { cwd: root, env }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('DATABASE_URL is not set') });
  });
});
