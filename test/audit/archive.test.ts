// Retention: old months leave the database as verified, compressed files; a signed anchor keeps
// what stays verifiable across the archive boundary.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  appendAuditRecord,
  archiveAuditPartitions,
  verifyAuditChain,
  writeCheckpoint,
  type AuditRow,
} from '../../audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, resetChain, seedChain, tamper, testCheckpointKeys, testKeys } from './helpers';

describe('archiveAuditPartitions', () => {
  let db: TestDatabase;
  let out: string;
  let checkpoints: string;
  const keys = testKeys();
  const checkpointKeys = testCheckpointKeys();
  const verify = () => verifyAuditChain(db.pool, keys, { checkpointKeys, checkpointDir: checkpoints });
  const archive = (olderThanDays = 30) =>
    archiveAuditPartitions(db.pool, keys, checkpointKeys, { olderThanDays, outDir: out });
  const partitions = async () =>
    (
      await db.pool.query(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_records'::regclass ORDER BY 1",
      )
    ).rows.map((r: { relname: string }) => r.relname);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'rrm-archive-'));
    checkpoints = mkdtempSync(path.join(tmpdir(), 'rrm-archive-cp-'));
    await resetChain(db.pool);
    // Two old months (positions 1..3 and 4..5), a checkpoint at the boundary, then today's records.
    await seedChain(db.pool, keys, [
      '2020-01-10T00:00:00.000001Z',
      '2020-01-20T00:00:00.000000Z',
      '2020-01-31T23:59:59.999999Z',
    ]);
    await writeCheckpoint(db.pool, checkpointKeys, checkpoints);
    await seedChain(db.pool, keys, ['2020-02-01T00:00:00.000000Z', '2020-02-02T00:00:00.000000Z']);
    await appendAuditRecord(db.pool, keys, entry());
    await appendAuditRecord(db.pool, keys, entry());
    await writeCheckpoint(db.pool, checkpointKeys, checkpoints);
  });

  it('archives old months to verified files and keeps the chain verifiable from the anchor', async () => {
    const result = await archive();
    expect(result.anchors.map((a) => [a.partition, a.first_position, a.last_position])).toEqual([
      ['audit_records_2020_01', 1, 3],
      ['audit_records_2020_02', 4, 5],
    ]);
    expect(await partitions()).toHaveLength(1);

    const [january] = result.anchors;
    const file = path.join(out, january.file);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(january.file_sha256);
    const rows = gunzipSync(readFileSync(file))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditRow);
    expect(rows.map((r) => r.chain_position)).toEqual([1, 2, 3]);
    expect(rows[2].row_hash).toBe(january.last_row_hash);
    expect(JSON.parse(readFileSync(path.join(out, 'audit_records_2020_01.anchor.json'), 'utf8'))).toEqual(
      january,
    );

    await expect(verify()).resolves.toMatchObject({
      ok: true,
      checked: 2,
      archivedThrough: 5,
      checkpoints: 2,
    });
    // The writer goes on after an archive.
    await appendAuditRecord(db.pool, keys, entry());
    await expect(verify()).resolves.toMatchObject({ ok: true, checked: 3 });
    await expect(archive()).resolves.toEqual({ anchors: [], dropped: [] });
  });

  it('leaves months that are not old enough', async () => {
    const result = await archive(365 * 100);
    expect(result.anchors).toEqual([]);
    expect(await partitions()).toHaveLength(3);
  });

  it('refuses to seal a damaged range and changes nothing', async () => {
    await tamper(db.pool, "UPDATE audit_records SET reason = 'changed' WHERE chain_position = 2");
    await expect(archive()).rejects.toThrow(/refusing to archive audit_records_2020_01: record 2: edited/);
    expect(await partitions()).toHaveLength(3);
    expect(existsSync(path.join(out, 'audit_records_2020_01.jsonl.gz'))).toBe(false);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      firstBad: { chainPosition: 2, problem: 'edited' },
    });
  });

  it('needs a checkpoint key to sign the anchor', async () => {
    await expect(
      archiveAuditPartitions(db.pool, keys, undefined, { olderThanDays: 30, outDir: out }),
    ).rejects.toThrow(/no checkpoint signing key/);
    expect(await partitions()).toHaveLength(3);
  });

  it('detects a forged or a removed anchor', async () => {
    await archive();
    await tamper(
      db.pool,
      `UPDATE audit_anchors SET anchor = jsonb_set(anchor, '{last_row_hash}', '"${'0'.repeat(64)}"') WHERE last_position = 5`,
    );
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      firstBad: { chainPosition: 4, problem: 'bad_anchor' },
    });
    await tamper(db.pool, 'DELETE FROM audit_anchors WHERE last_position = 5');
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 0,
      firstBad: { chainPosition: 4, problem: 'deleted', detail: 'records 4..5 are missing' },
    });
  });

  it('drops an old month that holds no record', async () => {
    await db.pool.query("SELECT audit_ensure_partition('2019-06-15')");
    await expect(archive()).resolves.toMatchObject({ dropped: ['audit_records_2019_06'] });
    await expect(verify()).resolves.toMatchObject({ ok: true });
  });
});
