// The append-only contract on the real PostgreSQL: the writer role may only append, and the
// triggers refuse UPDATE, DELETE and TRUNCATE even to the owner.
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { appendAuditRecord, verifyAuditChain } from '../../audit';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/database';
import { entry, resetChain, testKeys } from './helpers';

describe('append-only audit store', () => {
  const keys = testKeys();
  const login = `rrm_test_writer_${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let writer: Pool;
  let partition: string;

  const onServer = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl() });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // A deployment does the same: a login user that is a member of the NOLOGIN writer role.
    await onServer(`CREATE ROLE ${login} LOGIN IN ROLE rrm_audit_writer`);
    writer = new Pool({ connectionString: Object.assign(new URL(db.url), { username: login }).toString() });
  });
  afterAll(async () => {
    await writer?.end();
    await db?.drop();
    await onServer(`DROP ROLE IF EXISTS ${login}`);
  });
  beforeEach(async () => {
    await resetChain(db.pool);
    for (let i = 0; i < 3; i += 1) await appendAuditRecord(writer, keys, entry());
    const { rows } = await db.pool.query(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_records'::regclass",
    );
    partition = rows[0].relname;
  });

  it('lets the writer role append, creating the month partition it needs', async () => {
    await db.pool.query(`DROP TABLE ${partition}`);
    await resetChain(db.pool);
    await appendAuditRecord(writer, keys, entry());
    await appendAuditRecord(writer, keys, entry());
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 2 });
  });

  it.each([
    ['UPDATE', "UPDATE audit_records SET reason = 'x'"],
    ['DELETE', 'DELETE FROM audit_records'],
    ['TRUNCATE', 'TRUNCATE audit_records'],
    ['INSERT into the anchors', "INSERT INTO audit_anchors VALUES (1, '{}')"],
    ['DELETE of the chain head', 'DELETE FROM audit_chain_head'],
  ])('refuses %s to the writer role by privileges', async (_what, sql) => {
    await expect(writer.query(sql)).rejects.toThrow(/permission denied/);
  });

  it('refuses the writer role direct access to a partition', async () => {
    await expect(writer.query(`DELETE FROM ${partition}`)).rejects.toThrow(/permission denied/);
    await expect(writer.query(`TRUNCATE ${partition}`)).rejects.toThrow(/permission denied/);
  });

  it('refuses to move the chain head back, even to the writer role that moves it', async () => {
    await expect(writer.query('UPDATE audit_chain_head SET chain_position = 1')).rejects.toThrow(
      /only moves forward/,
    );
  });

  it.each([
    ['UPDATE', "UPDATE audit_records SET reason = 'x'"],
    ['DELETE', 'DELETE FROM audit_records WHERE chain_position = 2'],
    ['TRUNCATE', 'TRUNCATE audit_records'],
    ['UPDATE of a partition', () => `UPDATE ${partition} SET reason = 'x'`],
    ['DELETE from a partition', () => `DELETE FROM ${partition}`],
    ['TRUNCATE of a partition', () => `TRUNCATE ${partition}`],
    // One statement list is one transaction: the refused DELETE takes the INSERT back with it.
    ['DELETE of an anchor', "INSERT INTO audit_anchors VALUES (999, '{}'); DELETE FROM audit_anchors"],
    ['TRUNCATE of the anchors', 'TRUNCATE audit_anchors'],
  ])('refuses %s to the owner by trigger', async (_what, sql) => {
    const text = typeof sql === 'function' ? sql() : sql;
    await expect(db.pool.query(text)).rejects.toThrow(/append-only/);
  });

  it('leaves the chain intact after all those attempts', async () => {
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 3 });
  });
});
