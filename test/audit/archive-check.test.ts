// Archive files checked offline, as an auditor holding only the files and the keys would: real
// months archived from PostgreSQL, then each kind of damage done to the files and named.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  appendAuditRecord,
  archiveAuditPartitions,
  loadCheckpointKeys,
  verifyArchive,
  type Anchor,
  type AuditRow,
} from '../../audit';
import { signStatement } from '../../audit/statement';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  checkpointEnv,
  ed25519Pair,
  entry,
  hmacEnv,
  resetChain,
  seedChain,
  testCheckpointKeys,
  testKeys,
} from './helpers';

const ROOT = path.join(__dirname, '../..');
const JANUARY = 'audit_records_2020_01';
const FEBRUARY = 'audit_records_2020_02';
const MARCH = 'audit_records_2020_03';

describe('verifyArchive', () => {
  let db: TestDatabase;
  let archived: string;
  let dir: string;
  const keys = testKeys();
  const checkpointKeys = testCheckpointKeys();
  const verify = (keysOfAnchors = checkpointKeys) => verifyArchive(dir, keys, keysOfAnchors);

  const gz = (partition: string) => path.join(dir, `${partition}.jsonl.gz`);
  const anchorFile = (partition: string) => path.join(dir, `${partition}.anchor.json`);
  const lines = (partition: string) =>
    gunzipSync(readFileSync(gz(partition)))
      .toString('utf8')
      .split('\n');
  const record = (partition: string, index: number) => JSON.parse(lines(partition)[index]) as AuditRow;
  const rewrite = (partition: string, edit: (lines: string[]) => string[]) =>
    writeFileSync(gz(partition), gzipSync(edit(lines(partition)).join('\n')));
  const anchor = (partition: string) => JSON.parse(readFileSync(anchorFile(partition), 'utf8')) as Anchor;

  beforeAll(async () => {
    db = await createTestDatabase();
    await resetChain(db.pool);
    // Three old months (positions 1..3, 4..5, 6..7) archived once; today's record stays.
    await seedChain(db.pool, keys, [
      '2020-01-10T00:00:00.000001Z',
      '2020-01-20T00:00:00.000000Z',
      '2020-01-31T23:59:59.999999Z',
    ]);
    await seedChain(db.pool, keys, ['2020-02-01T00:00:00.000000Z', '2020-02-02T00:00:00.000000Z']);
    await seedChain(db.pool, keys, ['2020-03-05T00:00:00.000000Z', '2020-03-06T00:00:00.000000Z']);
    await appendAuditRecord(db.pool, keys, entry());
    archived = mkdtempSync(path.join(tmpdir(), 'rrm-archive-check-'));
    const result = await archiveAuditPartitions(db.pool, keys, checkpointKeys, {
      olderThanDays: 30,
      outDir: archived,
    });
    expect(result.anchors.map((a) => a.partition)).toEqual([JANUARY, FEBRUARY, MARCH]);
  });
  afterAll(() => db?.drop());
  // Each test damages its own copy of the archive.
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rrm-archive-copy-'));
    cpSync(archived, dir, { recursive: true });
  });

  it('verifies an untouched archive, anchors joined up and every record', async () => {
    await expect(verify()).resolves.toEqual({
      ok: true,
      files: 3,
      checked: 7,
      firstPosition: 1,
      lastPosition: 7,
    });
  });

  it('accepts an archive that starts after position 1 and says so', async () => {
    rmSync(anchorFile(JANUARY));
    await expect(verify()).resolves.toEqual({
      ok: true,
      files: 2,
      checked: 4,
      firstPosition: 4,
      lastPosition: 7,
      startsAfter: 3,
    });
  });

  it('names a record edited inside the file', async () => {
    const second = record(JANUARY, 1);
    rewrite(JANUARY, (all) => [all[0], JSON.stringify({ ...second, reason: 'changed' }), ...all.slice(2)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: { chainPosition: 2, auditId: second.audit_id, problem: 'edited' },
    });
  });

  it('names a line that is not a record as edited', async () => {
    rewrite(FEBRUARY, (all) => [all[0], 'not json', ...all.slice(2)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 4,
      firstBad: { chainPosition: 5, auditId: null, problem: 'edited' },
    });
  });

  it('reports a file whose records are intact but whose bytes differ from the anchor', async () => {
    // A second, empty gzip member: the same records, other bytes.
    writeFileSync(gz(FEBRUARY), Buffer.concat([readFileSync(gz(FEBRUARY)), gzipSync('')]));
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: {
        chainPosition: 4,
        problem: 'edited',
        detail: `${FEBRUARY}.jsonl.gz differs from its anchor's SHA-256`,
      },
    });
  });

  it('reports a file that no longer decompresses', async () => {
    writeFileSync(gz(JANUARY), readFileSync(gz(JANUARY)).subarray(0, 20));
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 0,
      firstBad: {
        chainPosition: 1,
        problem: 'edited',
        detail: expect.stringMatching(/cannot be decompressed/),
      },
    });
  });

  it('names a deleted line', async () => {
    rewrite(JANUARY, (all) => [all[0], ...all.slice(2)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: { chainPosition: 2, problem: 'deleted', detail: 'records 2..2 are missing' },
    });
  });

  it('names swapped lines as reordered', async () => {
    const third = record(JANUARY, 2);
    rewrite(JANUARY, (all) => [all[0], all[2], all[1], ...all.slice(3)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: {
        chainPosition: 2,
        auditId: third.audit_id,
        problem: 'reordered',
        detail: 'record 3 sits here; record 2 is on line 3',
      },
    });
  });

  it('tells renumbered swapped lines (reordered) from a renumbered gap (deleted)', async () => {
    const renumber = (line: string, position: number) =>
      JSON.stringify({ ...(JSON.parse(line) as AuditRow), chain_position: position });
    const original = lines(JANUARY);
    rewrite(JANUARY, (all) => [all[0], renumber(all[2], 2), renumber(all[1], 3), ...all.slice(3)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      firstBad: {
        chainPosition: 2,
        problem: 'reordered',
        detail: `it follows the record on line 3 of ${JANUARY}.jsonl.gz`,
      },
    });

    rewrite(JANUARY, () => [original[0], renumber(original[2], 2), ...original.slice(3)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      firstBad: {
        chainPosition: 2,
        problem: 'deleted',
        detail: `the record it follows is not in ${JANUARY}.jsonl.gz`,
      },
    });
  });

  it('names a duplicated record as inserted', async () => {
    rewrite(MARCH, (all) => [all[0], all[0], ...all.slice(1)]);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 6,
      firstBad: { chainPosition: 6, problem: 'inserted' },
    });
  });

  it('names the last lines removed as truncated', async () => {
    rewrite(JANUARY, (all) => [all[0], '']);
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: { chainPosition: 2, problem: 'truncated' },
    });
  });

  it('names an edited anchor as bad_anchor', async () => {
    writeFileSync(anchorFile(FEBRUARY), JSON.stringify({ ...anchor(FEBRUARY), last_position: 6 }));
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 3,
      firstBad: { chainPosition: 4, problem: 'bad_anchor', detail: expect.stringContaining(FEBRUARY) },
    });
  });

  it('names genuinely signed anchors that do not join up as bad_anchor', async () => {
    // Signed again with the real key: genuine, but not continuing the archive.
    const resign = (partition: string, change: Partial<Anchor>) =>
      writeFileSync(
        anchorFile(partition),
        JSON.stringify(signStatement({ ...anchor(partition), ...change }, checkpointKeys)),
      );
    resign(FEBRUARY, { prev_hash: 'f'.repeat(64) });
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 3,
      firstBad: {
        chainPosition: 4,
        problem: 'bad_anchor',
        detail: `${FEBRUARY}.anchor.json does not link to the record before position 4`,
      },
    });
    resign(FEBRUARY, { first_position: 3 });
    await expect(verify()).resolves.toMatchObject({
      firstBad: {
        chainPosition: 4,
        problem: 'bad_anchor',
        detail: `${FEBRUARY}.anchor.json covers 3..5 but the archive continues at 4`,
      },
    });
    resign(JANUARY, { prev_hash: 'f'.repeat(64) });
    await expect(verify()).resolves.toMatchObject({
      checked: 0,
      firstBad: { chainPosition: 1, problem: 'bad_anchor' },
    });
  });

  it('names a file that is not an anchor', async () => {
    writeFileSync(anchorFile(MARCH), '{"type": "rrm-audit-anchor"');
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      files: 3,
      checked: 0,
      firstBad: { problem: 'bad_anchor', detail: `${MARCH}.anchor.json is not an archive anchor` },
    });
  });

  it('names records whose anchor is gone from between two others as deleted', async () => {
    rmSync(anchorFile(FEBRUARY));
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      files: 2,
      checked: 3,
      firstBad: {
        chainPosition: 4,
        problem: 'deleted',
        detail: expect.stringMatching(/^records 4\.\.5 are missing/),
      },
    });
  });

  it('names a missing archive file as deleted', async () => {
    rmSync(gz(MARCH));
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: {
        chainPosition: 6,
        problem: 'deleted',
        detail: expect.stringContaining(`${MARCH}.jsonl.gz`),
      },
    });
  });

  it('names anchors signed by a key that is not configured as unknown_key', async () => {
    const otherKeys = loadCheckpointKeys({
      RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp9:${ed25519Pair().publicKey}`,
    });
    await expect(verify(otherKeys)).resolves.toMatchObject({
      ok: false,
      checked: 0,
      firstBad: { chainPosition: 1, problem: 'unknown_key', detail: expect.stringContaining('"cp1"') },
    });
  });

  it('refuses a directory that does not exist or holds no anchor', async () => {
    await expect(verifyArchive(path.join(dir, 'nowhere'), keys, checkpointKeys)).rejects.toThrow(
      `archive directory ${path.join(dir, 'nowhere')} does not exist`,
    );
    const empty = mkdtempSync(path.join(tmpdir(), 'rrm-archive-empty-'));
    await expect(verifyArchive(empty, keys, checkpointKeys)).rejects.toThrow(/no archive anchors/);
  });

  it('runs as `rrm audit verify-archive` without a database: exit 0, 2 on damage, 1 without a directory', async () => {
    const rrm = async (args: string[]) => {
      const env = { ...process.env, ...hmacEnv(), ...checkpointEnv(), DATABASE_URL: '' };
      const run = promisify(execFile);
      try {
        return { code: 0, ...(await run(process.execPath, ['bin/rrm.js', ...args], { cwd: ROOT, env })) };
      } catch (error) {
        return error as { code: number; stdout: string; stderr: string };
      }
    };
    expect(await rrm(['audit', 'verify-archive', dir])).toMatchObject({
      code: 0,
      stdout: 'audit verify-archive: OK: 7 records verified; 3 archive files, positions 1..7\n',
    });

    rewrite(FEBRUARY, (all) => [all[0], '']);
    const damaged = await rrm(['--json', 'audit', 'verify-archive', dir]);
    expect(damaged.code).toBe(2);
    expect(JSON.parse(damaged.stdout)).toMatchObject({
      ok: false,
      firstBad: { chainPosition: 5, problem: 'truncated' },
    });
    expect(await rrm(['audit', 'verify-archive', dir])).toMatchObject({
      code: 2,
      stdout: expect.stringMatching(/^audit verify-archive: DAMAGED at position 5: truncated: /),
    });

    const missing = path.join(dir, 'nowhere');
    expect(await rrm(['audit', 'verify-archive', missing])).toMatchObject({
      code: 1,
      stderr: `rrm: archive directory ${missing} does not exist\n`,
    });
  });
});
