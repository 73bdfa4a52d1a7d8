// `rrm audit export|verify|checkpoint|archive` as an operator runs them: a child process with
// DATABASE_URL and the key variables, exit codes and output checked.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { appendAuditRecord } from '../../audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { checkpointEnv, entry, hmacEnv, resetChain, seedChain, tamper, testKeys } from './helpers';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const RRM = path.join(ROOT, 'bin/rrm.js');
describe('rrm audit', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const keys = testKeys();

  const rrm = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [RRM, ...args], {
        cwd: ROOT,
        env: { ...env, ...extraEnv },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    env = {
      ...process.env,
      ...hmacEnv(),
      ...checkpointEnv(),
      DATABASE_URL: db.url,
      RRM_AUDIT_CHECKPOINT_DIR: mkdtempSync(path.join(tmpdir(), 'rrm-cli-cp-')),
    };
    await resetChain(db.pool);
    for (const apId of ['ap-1', 'ap-2', 'ap-1']) await appendAuditRecord(db.pool, keys, entry({ apId }));
  });

  it('checkpoints, then verifies an untouched store (exit 0)', async () => {
    const checkpoint = await rrm(['--json', 'audit', 'checkpoint']);
    expect(checkpoint).toMatchObject({ code: 0 });
    expect(JSON.parse(checkpoint.stdout)).toMatchObject({ chain_position: 3, key_id: 'cp1' });

    const text = await rrm(['audit', 'verify']);
    expect(text).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^audit verify: OK: 3 records verified; 1 checkpoints/),
    });
    const json = await rrm(['--json', 'audit', 'verify']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      checked: 3,
      checkpoints: 1,
      latestCheckpoint: 3,
    });
  });

  it('names the first bad record and exits 2 on damage', async () => {
    await rrm(['audit', 'checkpoint']);
    await tamper(db.pool, "UPDATE audit_records SET reason = 'nothing' WHERE chain_position = 2");
    const edited = await rrm(['audit', 'verify']);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toMatch(/DAMAGED at record 2 \(audit_id [0-9a-f-]{36}\): edited/);

    await tamper(db.pool, 'DELETE FROM audit_records WHERE chain_position >= 2');
    await tamper(
      db.pool,
      'UPDATE audit_chain_head SET chain_position = 1, row_hash = (SELECT row_hash FROM audit_records WHERE chain_position = 1)',
    );
    const truncated = await rrm(['--json', 'audit', 'verify']);
    expect(truncated.code).toBe(2);
    expect(JSON.parse(truncated.stdout)).toMatchObject({
      ok: false,
      firstBad: { chainPosition: 2, problem: 'truncated' },
    });
  });

  it('warns that truncation goes unnoticed without a checkpoint directory', async () => {
    const result = await rrm(['audit', 'verify'], { RRM_AUDIT_CHECKPOINT_DIR: '' });
    expect(result).toMatchObject({ code: 0, stderr: expect.stringContaining('RRM_AUDIT_CHECKPOINT_DIR') });
  });

  it('exports CSV to a file with progress, and JSONL to stdout, filtered by AP', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rrm-cli-export-')), 'audit.csv');
    const csv = await rrm(['audit', 'export', '--ap', 'ap-1', '--format', 'csv', '-o', file, '--progress']);
    expect(csv).toMatchObject({
      code: 0,
      stdout: `exported 2 records to ${file}\n`,
      stderr: 'audit export: 2 records\n',
    });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^audit_id,chain_position,recorded_at,/);

    const jsonl = await rrm(['audit', 'export', '--format', 'jsonl', '--from', '2000-01-01T00:00:00Z']);
    expect(jsonl.code).toBe(0);
    expect(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).ap_id),
    ).toEqual(['ap-1', 'ap-2', 'ap-1']);
  });

  it('archives old months and still verifies from the anchor', async () => {
    await resetChain(db.pool);
    await seedChain(db.pool, keys, ['2020-03-01T00:00:00.000000Z', '2020-03-02T00:00:00.000000Z']);
    await appendAuditRecord(db.pool, keys, entry());
    const out = mkdtempSync(path.join(tmpdir(), 'rrm-cli-archive-'));
    const archived = await rrm(['audit', 'archive', '--older-than-days', '30', '--out', out]);
    expect(archived).toMatchObject({
      code: 0,
      stdout: `archived audit_records_2020_03: records 1..2 to ${out}/audit_records_2020_03.jsonl.gz\n`,
    });
    const verified = await rrm(['--json', 'audit', 'verify']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checked: 1, archivedThrough: 2 });
  });

  it('fails with a one-line reason and exit 1', async () => {
    const noDb = await rrm(['audit', 'verify'], { DATABASE_URL: '' });
    expect(noDb).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^rrm: DATABASE_URL is not set[^\n]*\n$/),
    });
    const noKeys = await rrm(['audit', 'verify'], { RRM_AUDIT_HMAC_KEYS: '' });
    expect(noKeys).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^rrm: RRM_AUDIT_HMAC_KEYS is not set/),
    });
    const noDir = await rrm(['audit', 'checkpoint'], { RRM_AUDIT_CHECKPOINT_DIR: '' });
    expect(noDir).toMatchObject({ code: 1, stderr: expect.stringContaining('RRM_AUDIT_CHECKPOINT_DIR') });
    const badFormat = await rrm(['audit', 'export', '--format', 'xml']);
    expect(badFormat.code).not.toBe(0);
    expect(badFormat.stderr).toContain('xml');
  });
});
