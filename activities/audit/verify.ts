// Walks the audit chain in order and reports the first record that is not as it was written.
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import {
  AUDIT_COLUMNS,
  GENESIS_HASH,
  canonicalForm,
  fromDb,
  rowHash,
  sameHex,
  sign,
  type AuditRow,
} from './canonical';
import type { AuditKeys } from './keys';

export type AuditProblem = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'unknown_key' | 'bad_signature';

export interface AuditFinding {
  chainPosition: number;
  /** null when the record at that position is missing. */
  auditId: string | null;
  problem: AuditProblem;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Records that verified before the first bad one (all of them when ok). */
  checked: number;
  firstBad?: AuditFinding;
}

interface Expected {
  position: number;
  prevHash: string;
  headPosition: number;
}

/** A finding, or a row whose diagnosis needs one more query (after the cursor is closed). */
type RowCheck = AuditFinding | { needsLookup: AuditRow } | undefined;

const finding = (row: AuditRow, problem: AuditProblem, detail: string): AuditFinding => ({
  chainPosition: row.chain_position,
  auditId: row.audit_id,
  problem,
  detail,
});

/** The id of another known key whose signature the row carries (its key_id was changed), if any. */
function signedWithOtherKey(row: AuditRow, keys: AuditKeys): string | undefined {
  for (const [id, secret] of keys.keys) {
    if (id === row.key_id) continue;
    if (sameHex(sign(canonicalForm({ ...row, key_id: id }), secret), row.signature)) return id;
  }
  return undefined;
}

function checkRow(row: AuditRow, expected: Expected, keys: AuditKeys): RowCheck {
  if (row.chain_position !== expected.position) {
    return {
      chainPosition: expected.position,
      auditId: null,
      problem: 'deleted',
      detail: `records ${expected.position}..${row.chain_position - 1} are missing`,
    };
  }
  if (row.chain_position > expected.headPosition) {
    return finding(
      row,
      'inserted',
      `the chain head ends at ${expected.headPosition}: this record was added outside the writer`,
    );
  }
  const secret = keys.keys.get(row.key_id);
  if (!secret) return finding(row, 'unknown_key', `key id "${row.key_id}" is not configured`);
  const canonical = canonicalForm(row);
  const signatureOk = sameHex(sign(canonical, secret), row.signature);
  const hashOk = sameHex(rowHash(canonical, row.signature), row.row_hash);
  // A record that does not link to its predecessor was moved here, or its predecessor is gone:
  // which one depends on where its prev_hash points, a lookup made after the scan.
  if (row.prev_hash !== expected.prevHash) return { needsLookup: row };
  if (!signatureOk) {
    const otherKey = signedWithOtherKey(row, keys);
    if (otherKey) {
      return finding(row, 'bad_signature', `signed with key "${otherKey}" but key_id says "${row.key_id}"`);
    }
    // Content and hash agree but the signature does not: someone without the secret built this
    // record (a forgery), or the configured secret of this key id is not the one that signed.
    return hashOk
      ? finding(
          row,
          'bad_signature',
          `the signature does not verify with key "${row.key_id}": forged, or wrong secret`,
        )
      : finding(row, 'edited', 'content no longer matches its signature and hash');
  }
  if (!hashOk) return finding(row, 'edited', 'row_hash does not match the signed content');
  return undefined;
}

async function diagnoseBrokenLink(client: PoolClient, row: AuditRow, keys: AuditKeys): Promise<AuditFinding> {
  const { rows } = await client.query<{ chain_position: string }>(
    'SELECT chain_position::text FROM audit_records WHERE row_hash = $1',
    [row.prev_hash],
  );
  if (rows.length > 0) {
    return finding(row, 'reordered', `it follows the record now at position ${rows[0].chain_position}`);
  }
  const secret = keys.keys.get(row.key_id);
  const canonical = canonicalForm(row);
  if (
    secret &&
    !sameHex(sign(canonical, secret), row.signature) &&
    sameHex(rowHash(canonical, row.signature), row.row_hash)
  ) {
    return finding(row, 'inserted', 'links to no record and its signature is not valid: a forged record');
  }
  return finding(row, 'deleted', 'the record it follows is gone (later records renumbered?)');
}

/**
 * Verifies the whole chain in constant memory (server-side cursor): positions are continuous from 1
 * to the chain head, each signature and row hash recomputes, each prev_hash is the previous row_hash.
 * Reads one snapshot, so concurrent writers do not disturb it.
 */
export async function verifyAuditChain(pool: Pool, keys: AuditKeys): Promise<VerifyResult> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const head = await client.query<{ chain_position: string; row_hash: string }>(
      'SELECT chain_position::text, row_hash FROM audit_chain_head',
    );
    if (head.rows.length !== 1)
      throw new Error('audit_chain_head has no row: run the migrations (db/migrate.ts)');
    const headPosition = Number(head.rows[0].chain_position);
    const expected: Expected = { position: 1, prevHash: GENESIS_HASH, headPosition };
    let bad: RowCheck;
    const stream = client.query(
      new QueryStream(
        `SELECT ${AUDIT_COLUMNS} FROM audit_records ORDER BY audit_records.chain_position`,
        [],
        { batchSize: 500 },
      ),
    );
    for await (const raw of stream) {
      const row = fromDb(raw as Record<string, unknown>);
      bad = checkRow(row, expected, keys);
      if (bad) break;
      expected.position += 1;
      expected.prevHash = row.row_hash;
    }
    if (bad && 'needsLookup' in bad) bad = await diagnoseBrokenLink(client, bad.needsLookup, keys);
    const checked = expected.position - 1;
    if (!bad && checked < headPosition) {
      bad = {
        chainPosition: checked + 1,
        auditId: null,
        problem: 'deleted',
        detail: `records ${checked + 1}..${headPosition} are missing (the chain head is at ${headPosition})`,
      };
    } else if (!bad && head.rows[0].row_hash !== expected.prevHash) {
      bad = {
        chainPosition: headPosition,
        auditId: null,
        problem: 'edited',
        detail: 'the chain head hash does not match the last record',
      };
    }
    await client.query('COMMIT');
    return bad ? { ok: false, checked, firstBad: bad } : { ok: true, checked };
  } catch (error) {
    failed = true; // a cursor may be half-read: drop the connection rather than reuse it
    throw error;
  } finally {
    client.release(failed);
  }
}
