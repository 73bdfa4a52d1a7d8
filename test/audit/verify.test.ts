import { randomUUID } from 'node:crypto';
import { loadAuditKeys, verifyAuditChain, type AuditRow } from '../../audit';
import { createAuditActivities } from '../../activities/audit';
import { AUDIT_COLUMNS, canonicalForm, fromDb, rowHash } from '../../audit/canonical';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, insertRow, KEY_A, KEY_B, resetChain, seedChain, tamper, testKeys } from './helpers';

describe('verifyAuditChain names the first tampered record', () => {
  let db: TestDatabase;
  const keys = testKeys();
  const ids: string[] = [];

  const rowAt = async (position: number): Promise<AuditRow> => {
    const { rows } = await db.pool.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_records WHERE audit_records.chain_position = $1`,
      [position],
    );
    return fromDb(rows[0]);
  };
  /** Swaps the records at two positions, i.e. every column but the position. */
  const swap = (a: number, b: number) =>
    tamper(
      db.pool,
      `UPDATE audit_records SET chain_position = 1000000 WHERE chain_position = ${a};
       UPDATE audit_records SET chain_position = ${a} WHERE chain_position = ${b};
       UPDATE audit_records SET chain_position = ${b} WHERE chain_position = 1000000;`,
    );
  /** A record built without the key: correct position, link and hash, made-up signature. */
  const forge = async (position: number, prevHash: string): Promise<AuditRow> => {
    const row: AuditRow = {
      ...(await rowAt(1)),
      audit_id: randomUUID(),
      chain_position: position,
      idempotency_key: `forged-${position}`,
      reason: 'forged approval',
      prev_hash: prevHash,
    };
    row.signature = 'f'.repeat(64);
    row.row_hash = rowHash(canonicalForm(row), row.signature);
    await insertRow(db.pool, row);
    return row;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await resetChain(db.pool);
    const audit = createAuditActivities(db.pool, keys);
    ids.length = 0;
    for (let i = 0; i < 5; i += 1) ids.push((await audit.recordAudit(entry())).auditId);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 5 });
  });

  it('a record from before manual_rollback_eligible existed (NULL, signed without it) verifies', async () => {
    const later = `${new Date(Date.now() + 60_000).toISOString().slice(0, -1)}000Z`;
    await seedChain(db.pool, keys, [later], { manual_rollback_eligible: null });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 6 });
    expect((await rowAt(6)).manual_rollback_eligible).toBeNull();
    await tamper(
      db.pool,
      'UPDATE audit_records SET manual_rollback_eligible = true WHERE chain_position = 6',
    );
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      firstBad: { chainPosition: 6, problem: 'edited' },
    });
  });

  it('an empty chain verifies', async () => {
    await resetChain(db.pool);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 0 });
  });

  it.each([
    ['reason', "reason = 'nothing happened'"],
    ['details', `details = '{"scores":{"36":0.1}}'`],
    [
      'configuration change',
      `configuration_changes = '[{"param":"radio.5g.channel","old_value":52,"new_value":100}]'`,
    ],
    ['recorded_at, by a microsecond', "recorded_at = recorded_at + interval '1 microsecond'"],
    ['operator', "operator = 'mallory'"],
    ['manual_rollback_eligible', 'manual_rollback_eligible = NOT manual_rollback_eligible'],
    ['manual_rollback_eligible, to NULL', 'manual_rollback_eligible = NULL'],
    ['row_hash', "row_hash = repeat('a', 64)"],
    ['signature', "signature = repeat('b', 64)"],
  ])('edited: %s', async (_field, assignment) => {
    await tamper(db.pool, `UPDATE audit_records SET ${assignment} WHERE chain_position = 3`);
    const result = await verifyAuditChain(db.pool, keys);
    expect(result).toMatchObject({ ok: false, checked: 2, firstBad: { chainPosition: 3, auditId: ids[2] } });
    // An edited row_hash also breaks the next link; the edited record is still the one reported.
    expect(result.firstBad!.problem).toBe('edited');
  });

  it('deleted: a record in the middle', async () => {
    await tamper(db.pool, 'DELETE FROM audit_records WHERE chain_position = 3');
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 2,
      firstBad: { chainPosition: 3, auditId: null, problem: 'deleted' },
    });
  });

  it('truncated: the last record, the head left as it was', async () => {
    await tamper(db.pool, 'DELETE FROM audit_records WHERE chain_position = 5');
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 4,
      firstBad: { chainPosition: 5, auditId: null, problem: 'truncated' },
    });
  });

  it('deleted: a record, with the later ones renumbered and the head moved back', async () => {
    await tamper(
      db.pool,
      `DELETE FROM audit_records WHERE chain_position = 2;
       UPDATE audit_records SET chain_position = 2 WHERE chain_position = 3;
       UPDATE audit_records SET chain_position = 3 WHERE chain_position = 4;
       UPDATE audit_records SET chain_position = 4 WHERE chain_position = 5;
       UPDATE audit_chain_head SET chain_position = 4;`,
    );
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: { chainPosition: 2, auditId: ids[2], problem: 'deleted' },
    });
  });

  it.each([
    [2, 4],
    [2, 3],
    [1, 5],
  ])('reordered: records %i and %i swapped', async (a, b) => {
    await swap(a, b);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: a - 1,
      firstBad: { chainPosition: a, auditId: ids[b - 1], problem: 'reordered' },
    });
  });

  it('inserted: a forged record appended after the chain head', async () => {
    const forged = await forge(6, (await rowAt(5)).row_hash);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: { chainPosition: 6, auditId: forged.audit_id, problem: 'inserted' },
    });
  });

  it('bad_signature: a forged record appended with the chain head moved too', async () => {
    const forged = await forge(6, (await rowAt(5)).row_hash);
    await tamper(db.pool, 'UPDATE audit_chain_head SET chain_position = 6, row_hash = $1', [forged.row_hash]);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: { chainPosition: 6, auditId: forged.audit_id, problem: 'bad_signature' },
    });
  });

  it('inserted: a forged record that links to no record', async () => {
    const forged = await forge(6, 'c'.repeat(64));
    await tamper(db.pool, 'UPDATE audit_chain_head SET chain_position = 6, row_hash = $1', [forged.row_hash]);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: { chainPosition: 6, auditId: forged.audit_id, problem: 'inserted' },
    });
  });

  it('edited: the chain head no longer matches the last record', async () => {
    await tamper(db.pool, "UPDATE audit_chain_head SET row_hash = repeat('d', 64)");
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 5,
      firstBad: { chainPosition: 5, problem: 'edited' },
    });
  });

  it('unknown_key: a key id that is not configured', async () => {
    await tamper(db.pool, "UPDATE audit_records SET key_id = 'k9' WHERE chain_position = 4");
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 3,
      firstBad: {
        chainPosition: 4,
        auditId: ids[3],
        problem: 'unknown_key',
        detail: expect.stringContaining('k9'),
      },
    });
  });

  it('unknown_key: verifying without the key that signed', async () => {
    const withoutK1 = loadAuditKeys({ RRM_AUDIT_HMAC_KEYS: `k2:${KEY_B}` });
    await expect(verifyAuditChain(db.pool, withoutK1)).resolves.toMatchObject({
      ok: false,
      checked: 0,
      firstBad: { chainPosition: 1, problem: 'unknown_key' },
    });
  });

  it('bad_signature: the key id switched to another known key', async () => {
    await tamper(db.pool, "UPDATE audit_records SET key_id = 'k2' WHERE chain_position = 2");
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({
      ok: false,
      checked: 1,
      firstBad: {
        chainPosition: 2,
        auditId: ids[1],
        problem: 'bad_signature',
        detail: expect.stringContaining('k1'),
      },
    });
  });

  it('bad_signature: the same key id bound to another secret', async () => {
    const otherSecret = loadAuditKeys({
      RRM_AUDIT_HMAC_KEYS: `k1:${KEY_B},k2:${KEY_A}`,
      RRM_AUDIT_HMAC_KEY_ID: 'k1',
    });
    await expect(verifyAuditChain(db.pool, otherSecret)).resolves.toMatchObject({
      ok: false,
      checked: 0,
      firstBad: { chainPosition: 1, problem: 'bad_signature' },
    });
  });
});
