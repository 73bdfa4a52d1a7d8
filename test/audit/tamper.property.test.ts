// Property: whatever single mutation an attacker with full database rights makes to a genuine
// chain, verify reports it, at the right position, with the right kind of damage.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { appendAuditRecord, verifyAuditChain, writeCheckpoint, type AuditProblem } from '../../audit';
import { AUDIT_COLUMNS, canonicalForm, fromDb, rowHash } from '../../audit/canonical';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, insertRow, resetChain, tamper, testCheckpointKeys, testKeys } from './helpers';

type Mutation =
  | { kind: 'edit'; at: number; assignment: string }
  | { kind: 'delete'; at: number }
  | { kind: 'insert' }
  | { kind: 'swap'; at: number; other: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'truncate'; count: number }
  | { kind: 'key'; at: number; keyId: string };

const EDITS = [
  "reason = reason || '.'",
  `details = '{"scores":{"36":0.1}}'`,
  `configuration_changes = '[{"param":"radio.5g.channel","old_value":52,"new_value":100}]'`,
  "recorded_at = recorded_at + interval '1 microsecond'",
  'confidence = 0.5',
  "execution_status = 'ROLLED_BACK'",
  "ap_id = 'ap-9'",
  "operator = 'mallory'",
  "event_id = 'evt-other'",
  "signature = repeat('b', 64)",
  "row_hash = repeat('a', 64)",
];

/** A chain length and one mutation of it, with the position and kind verify must report. */
const scenario = fc.integer({ min: 2, max: 6 }).chain((n) => {
  const position = fc.integer({ min: 1, max: n });
  return fc.tuple(
    fc.constant(n),
    fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), at: position, assignment: fc.constantFrom(...EDITS) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.integer({ min: 1, max: n - 1 }) }),
      fc.record({ kind: fc.constant('insert' as const) }),
      fc
        .tuple(position, position)
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => ({ kind: 'swap' as const, at: Math.min(a, b), other: Math.max(a, b) })),
      fc.record({ kind: fc.constant('duplicate' as const), at: position }),
      fc.record({ kind: fc.constant('truncate' as const), count: fc.integer({ min: 1, max: n }) }),
      fc.record({ kind: fc.constant('key' as const), at: position, keyId: fc.constantFrom('k2', 'k9') }),
    ),
  );
});

function expected(n: number, m: Mutation): { chainPosition: number; problem: AuditProblem } {
  switch (m.kind) {
    case 'edit':
      return { chainPosition: m.at, problem: 'edited' };
    case 'delete':
      return { chainPosition: m.at, problem: 'deleted' };
    case 'insert':
      return { chainPosition: n + 1, problem: 'inserted' };
    case 'swap':
      return { chainPosition: m.at, problem: 'reordered' };
    case 'duplicate':
      return { chainPosition: m.at, problem: 'inserted' };
    case 'truncate':
      return { chainPosition: n - m.count + 1, problem: 'truncated' };
    case 'key':
      return { chainPosition: m.at, problem: m.keyId === 'k9' ? 'unknown_key' : 'bad_signature' };
  }
}

describe('verify detects any single mutation', () => {
  let db: TestDatabase;
  const keys = testKeys();
  const checkpointKeys = testCheckpointKeys();
  const dirs: string[] = [];

  const rowAt = async (position: number) =>
    fromDb(
      (
        await db.pool.query(
          `SELECT ${AUDIT_COLUMNS} FROM audit_records WHERE audit_records.chain_position = $1`,
          [position],
        )
      ).rows[0],
    );

  async function mutate(n: number, m: Mutation): Promise<void> {
    const where = (position: number) => `WHERE chain_position = ${position}`;
    switch (m.kind) {
      case 'edit':
        return tamper(db.pool, `UPDATE audit_records SET ${m.assignment} ${where(m.at)}`);
      case 'delete':
        return tamper(db.pool, `DELETE FROM audit_records ${where(m.at)}`);
      case 'insert': {
        // A forged record in every respect but the HMAC, which needs the key.
        const row = { ...(await rowAt(n)), audit_id: randomUUID(), chain_position: n + 1, reason: 'forged' };
        row.prev_hash = row.row_hash;
        row.signature = 'f'.repeat(64);
        row.row_hash = rowHash(canonicalForm(row), row.signature);
        return insertRow(db.pool, row);
      }
      case 'swap':
        await tamper(db.pool, `UPDATE audit_records SET chain_position = 1000000 ${where(m.at)}`);
        await tamper(db.pool, `UPDATE audit_records SET chain_position = ${m.at} ${where(m.other)}`);
        return tamper(db.pool, `UPDATE audit_records SET chain_position = ${m.other} ${where(1000000)}`);
      case 'duplicate': {
        // A replayed copy; (position, recorded_at) is the primary key, so it differs by a microsecond.
        const row = await rowAt(m.at);
        const later = new Date(Date.parse(row.recorded_at) + 1).toISOString().replace('Z', '000Z');
        return insertRow(db.pool, { ...row, recorded_at: later });
      }
      case 'truncate': {
        // The newest records and the chain head, so that the database alone looks consistent.
        const kept = n - m.count;
        const hash = kept > 0 ? (await rowAt(kept)).row_hash : '0'.repeat(64);
        await tamper(db.pool, `DELETE FROM audit_records WHERE chain_position > ${kept}`);
        return tamper(db.pool, 'UPDATE audit_chain_head SET chain_position = $1, row_hash = $2', [
          kept,
          hash,
        ]);
      }
      case 'key':
        return tamper(db.pool, `UPDATE audit_records SET key_id = '${m.keyId}' ${where(m.at)}`);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('names the first bad record and the kind of damage', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([n, mutation]) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'rrm-property-'));
        dirs.push(dir);
        await resetChain(db.pool);
        for (let i = 0; i < n; i += 1) await appendAuditRecord(db.pool, keys, entry({ apId: `ap-${i % 2}` }));
        await writeCheckpoint(db.pool, checkpointKeys, dir);
        const options = { checkpointKeys, checkpointDir: dir };
        expect(await verifyAuditChain(db.pool, keys, options)).toMatchObject({ ok: true, checked: n });

        await mutate(n, mutation);
        const result = await verifyAuditChain(db.pool, keys, options);
        expect(result).toMatchObject({ ok: false, firstBad: expected(n, mutation) });
        // Records before the bad one verified; a duplicate follows its genuine original.
        const before = expected(n, mutation).chainPosition - (mutation.kind === 'duplicate' ? 0 : 1);
        expect(result.checked).toBe(before);
      }),
      // Each run writes and verifies a real chain: enough runs to cover every mutation kind.
      { numRuns: 60 },
    );
  });
});
