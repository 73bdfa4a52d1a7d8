// Checks of one record against its place in the chain, shared by verify.ts and archive.ts.
import type { PoolClient } from 'pg';
import { canonicalForm, rowHash, sameHex, sign, type AuditRow } from './canonical';
import { missing, type AuditFinding, type AuditProblem } from './findings';
import type { AuditKeys } from './keys';

/** Where the walk is: the position and prev_hash the next record must have. */
export interface Expected {
  position: number;
  prevHash: string;
  /** The chain head's position; records beyond it were not written by the writer. */
  headPosition: number;
}

/** A finding, or a row whose diagnosis needs one more query (after the cursor is closed). */
export type RowCheck = AuditFinding | { needsLookup: AuditRow } | undefined;

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

/** Signature and hash of a row, recomputed with the key it names. */
function recompute(row: AuditRow, secret: Buffer): { signatureOk: boolean; hashOk: boolean } {
  const canonical = canonicalForm(row);
  return {
    signatureOk: sameHex(sign(canonical, secret), row.signature),
    hashOk: sameHex(rowHash(canonical, row.signature), row.row_hash),
  };
}

export function checkRow(row: AuditRow, expected: Expected, keys: AuditKeys): RowCheck {
  if (row.chain_position < expected.position) {
    return finding(row, 'inserted', `a second record at position ${row.chain_position}`);
  }
  if (row.chain_position > expected.position) {
    return missing(
      expected.position,
      'deleted',
      `records ${expected.position}..${row.chain_position - 1} are missing`,
    );
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
  // A record that does not link to its predecessor was moved here, or its predecessor is gone:
  // which one depends on where its prev_hash points, a lookup made after the scan.
  if (row.prev_hash !== expected.prevHash) return { needsLookup: row };
  const { signatureOk, hashOk } = recompute(row, secret);
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

/** Why a record does not link to its predecessor: moved, forged, or its predecessor deleted. */
export async function diagnoseBrokenLink(
  client: PoolClient,
  row: AuditRow,
  keys: AuditKeys,
): Promise<AuditFinding> {
  const { rows } = await client.query<{ chain_position: string }>(
    'SELECT chain_position::text FROM audit_records WHERE row_hash = $1 LIMIT 1',
    [row.prev_hash],
  );
  if (rows.length > 0) {
    return finding(row, 'reordered', `it follows the record now at position ${rows[0].chain_position}`);
  }
  const secret = keys.keys.get(row.key_id);
  const check = secret && recompute(row, secret);
  if (check && !check.signatureOk && check.hashOk) {
    return finding(row, 'inserted', 'links to no record and its signature is not valid: a forged record');
  }
  return finding(row, 'deleted', 'the record it follows is gone (later records renumbered?)');
}
