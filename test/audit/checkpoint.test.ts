// Signed checkpoints outside the database catch what the chain alone cannot: the newest records
// removed together with the chain head, or the chain rewritten by someone holding the HMAC key.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  appendAuditRecord,
  loadCheckpointKeys,
  verifyAuditChain,
  writeCheckpoint,
  CHECKPOINT_FILE,
  type Checkpoint,
} from '../../audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  CHECKPOINT_PAIR,
  ed25519Pair,
  entry,
  resetChain,
  seedChain,
  tamper,
  testCheckpointKeys,
  testKeys,
} from './helpers';

describe('checkpoint keys', () => {
  it('derives the public keys from the private ones and adds listed public keys', () => {
    const retired = ed25519Pair();
    const keys = loadCheckpointKeys({
      RRM_AUDIT_CHECKPOINT_KEYS: `cp1:${CHECKPOINT_PAIR.privateKey}`,
      RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp0:${retired.publicKey}`,
    })!;
    expect(keys.activeKeyId).toBe('cp1');
    expect([...keys.publicKeys.keys()].sort()).toEqual(['cp0', 'cp1']);
  });

  it('verifies with public keys only, and reads a keys file', () => {
    expect(
      loadCheckpointKeys({ RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp1:${CHECKPOINT_PAIR.publicKey}` }),
    ).toMatchObject({
      activeKeyId: undefined,
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rrm-cp-')), 'keys.json');
    writeFileSync(file, JSON.stringify({ activeKeyId: 'cp1', keys: { cp1: CHECKPOINT_PAIR.privateKey } }));
    expect(loadCheckpointKeys({ RRM_AUDIT_CHECKPOINT_KEYS_FILE: file })?.activeKeyId).toBe('cp1');
    expect(loadCheckpointKeys({})).toBeUndefined();
  });

  it.each([
    [
      'an HMAC secret instead of a key',
      { RRM_AUDIT_CHECKPOINT_KEYS: `cp1:${Buffer.alloc(32).toString('base64')}` },
      /cp1.*DER key/,
    ],
    [
      'a public key that does not match',
      {
        RRM_AUDIT_CHECKPOINT_KEYS: `cp1:${CHECKPOINT_PAIR.privateKey}`,
        RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp1:${ed25519Pair().publicKey}`,
      },
      /does not match/,
    ],
  ])('rejects %s', (_label, env, message) => {
    expect(() => loadCheckpointKeys(env)).toThrow(message);
  });
});

describe('checkpoints', () => {
  let db: TestDatabase;
  let dir: string;
  const keys = testKeys();
  const checkpointKeys = testCheckpointKeys();
  const verify = () => verifyAuditChain(db.pool, keys, { checkpointKeys, checkpointDir: dir });
  const lines = (): Checkpoint[] =>
    readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Checkpoint);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rrm-checkpoints-'));
    await resetChain(db.pool);
    for (let i = 0; i < 5; i += 1) await appendAuditRecord(db.pool, keys, entry());
  });

  it('appends signed checkpoints of the chain head that verify', async () => {
    const first = await writeCheckpoint(db.pool, checkpointKeys, dir);
    await appendAuditRecord(db.pool, keys, entry());
    await writeCheckpoint(db.pool, checkpointKeys, dir);
    expect(lines().map((c) => c.chain_position)).toEqual([5, 6]);
    expect(first).toMatchObject({ type: 'rrm-audit-checkpoint', key_id: 'cp1', chain_position: 5 });
    await expect(verify()).resolves.toMatchObject({
      ok: true,
      checked: 6,
      checkpoints: 2,
      latestCheckpoint: 6,
    });
    // The auditor needs only the public key.
    const publicOnly = loadCheckpointKeys({
      RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp1:${CHECKPOINT_PAIR.publicKey}`,
    });
    await expect(
      verifyAuditChain(db.pool, keys, { checkpointKeys: publicOnly, checkpointDir: dir }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('catches the newest records removed together with the chain head', async () => {
    await writeCheckpoint(db.pool, checkpointKeys, dir);
    const { rows } = await db.pool.query('SELECT row_hash FROM audit_records WHERE chain_position = 3');
    await tamper(db.pool, 'DELETE FROM audit_records WHERE chain_position > 3');
    await tamper(db.pool, 'UPDATE audit_chain_head SET chain_position = 3, row_hash = $1', [
      rows[0].row_hash,
    ]);
    // Without the checkpoints nothing looks wrong.
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 3 });
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 3,
      firstBad: {
        chainPosition: 4,
        auditId: null,
        problem: 'truncated',
        detail: expect.stringContaining('reach 5'),
      },
    });
  });

  it('catches a chain rewritten with the HMAC key after a checkpoint', async () => {
    await writeCheckpoint(db.pool, checkpointKeys, dir);
    // Someone with the HMAC key re-signs a new chain from scratch: every record verifies on its own.
    await resetChain(db.pool);
    await seedChain(
      db.pool,
      keys,
      Array.from({ length: 6 }, () => new Date().toISOString().replace('Z', '000Z')),
    );
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      checked: 4,
      firstBad: { chainPosition: 5, problem: 'edited' },
    });
  });

  it('rejects a checkpoint line that is not genuine', async () => {
    const checkpoint = await writeCheckpoint(db.pool, checkpointKeys, dir);
    appendFileSync(
      path.join(dir, CHECKPOINT_FILE),
      `${JSON.stringify({ ...checkpoint, chain_position: 9 })}\n`,
    );
    await expect(verify()).resolves.toMatchObject({
      ok: false,
      firstBad: { chainPosition: 9, problem: 'bad_checkpoint' },
    });
  });

  it('names a checkpoint key that is not configured', async () => {
    await writeCheckpoint(db.pool, checkpointKeys, dir);
    const other = loadCheckpointKeys({ RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS: `cp2:${ed25519Pair().publicKey}` });
    await expect(
      verifyAuditChain(db.pool, keys, { checkpointKeys: other, checkpointDir: dir }),
    ).resolves.toMatchObject({
      ok: false,
      firstBad: { problem: 'unknown_key', detail: expect.stringContaining('cp1') },
    });
  });

  it('refuses to sign a chain head that does not match its record', async () => {
    await tamper(db.pool, "UPDATE audit_chain_head SET row_hash = repeat('e', 64)");
    await expect(writeCheckpoint(db.pool, checkpointKeys, dir)).rejects.toThrow(/does not match record 5/);
  });

  it('needs a signing key', async () => {
    await expect(writeCheckpoint(db.pool, undefined, dir)).rejects.toThrow(/RRM_AUDIT_CHECKPOINT_KEYS/);
  });
});
