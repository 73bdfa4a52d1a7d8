// Walks the audit chain in order and reports the first record that is not as it was written, using
// the evidence kept outside the rows: archive anchors (where the chain starts) and signed
// checkpoints (where it must at least reach).
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { readAnchors } from './anchors';
import { AUDIT_COLUMNS, fromDb } from './canonical';
import { readCheckpoints, type CheckpointEvidence } from './checkpoint';
import type { CheckpointKeys } from './checkpoint-keys';
import { missing, type AuditFinding } from './findings';
import type { AuditKeys } from './keys';
import { checkRow, diagnoseBrokenLink, type Expected, type RowCheck } from './verify-row';

export interface VerifyOptions {
  /** Public keys of checkpoints and anchors (required as soon as either exists). */
  checkpointKeys?: CheckpointKeys;
  /** Directory of the checkpoint file; without it, truncation of the newest records goes unnoticed. */
  checkpointDir?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Records in the database that verified before the first bad one (all of them when ok). */
  checked: number;
  firstBad?: AuditFinding;
  /** Records archived before the database's chain starts (the newest anchor's last position). */
  archivedThrough: number;
  /** Signed checkpoints read; the newest one's position, which the chain must still reach. */
  checkpoints: number;
  latestCheckpoint?: number;
}

/** A checkpointed hash that the record at that position no longer has. */
function checkpointMismatch(
  checkpoints: CheckpointEvidence,
  position: number,
  hash: string,
): AuditFinding | undefined {
  const signed = checkpoints.hashes.get(position);
  if (!signed || signed.hash === hash) return undefined;
  return missing(
    position,
    'edited',
    `record ${position} differs from the checkpoint signed at ${signed.createdAt}`,
  );
}

/**
 * Verifies the whole chain in constant memory (server-side cursor, one snapshot, so concurrent
 * writers do not disturb it): anchors are genuine and join up; positions continue from the newest
 * anchor to the chain head; each signature and row hash recomputes; each prev_hash is the previous
 * row_hash; every checkpoint's hash is still there and the newest checkpoint is reached.
 */
export async function verifyAuditChain(
  pool: Pool,
  keys: AuditKeys,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const checkpoints: CheckpointEvidence = options.checkpointDir
    ? await readCheckpoints(options.checkpointDir, options.checkpointKeys)
    : { count: 0, hashes: new Map() };
  const summary = { checkpoints: checkpoints.count, latestCheckpoint: checkpoints.latest?.chain_position };
  if (checkpoints.problem)
    return { ok: false, checked: 0, firstBad: checkpoints.problem, archivedThrough: 0, ...summary };

  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const anchors = await readAnchors(client, options.checkpointKeys);
    const head = await client.query<{ chain_position: string; row_hash: string }>(
      'SELECT chain_position::text, row_hash FROM audit_chain_head',
    );
    if (head.rows.length !== 1)
      throw new Error('audit_chain_head has no row: run the migrations (db/migrate.ts)');
    const headPosition = Number(head.rows[0].chain_position);
    const expected: Expected = { position: anchors.position + 1, prevHash: anchors.hash, headPosition };
    let bad: RowCheck = anchors.problem;
    // A checkpoint of a record archived since must match the anchor that ends the archived range.
    for (const [position, hash] of anchors.hashes) bad ??= checkpointMismatch(checkpoints, position, hash);
    if (!bad) {
      const stream = client.query(
        new QueryStream(
          `SELECT ${AUDIT_COLUMNS} FROM audit_records WHERE audit_records.chain_position > $1
           ORDER BY audit_records.chain_position, audit_records.recorded_at`,
          [anchors.position],
          { batchSize: 500 },
        ),
      );
      for await (const raw of stream) {
        const row = fromDb(raw as Record<string, unknown>);
        bad =
          checkRow(row, expected, keys) ?? checkpointMismatch(checkpoints, row.chain_position, row.row_hash);
        if (bad) break;
        expected.position += 1;
        expected.prevHash = row.row_hash;
      }
    }
    if (bad && 'needsLookup' in bad) bad = await diagnoseBrokenLink(client, bad.needsLookup, keys);
    const last = expected.position - 1;
    if (!bad && last < headPosition) {
      bad = missing(
        last + 1,
        'truncated',
        `records ${last + 1}..${headPosition} are missing (the chain head is at ${headPosition})`,
      );
    } else if (!bad && head.rows[0].row_hash !== expected.prevHash) {
      bad = missing(headPosition, 'edited', 'the chain head hash does not match the last record');
    } else if (!bad && checkpoints.latest && checkpoints.latest.chain_position > last) {
      const { chain_position: reached, created_at: at } = checkpoints.latest;
      bad = missing(
        last + 1,
        'truncated',
        `the checkpoint of ${at} saw the chain reach ${reached}; it now ends at ${last}`,
      );
    }
    await client.query('COMMIT');
    const result = { checked: last - anchors.position, archivedThrough: anchors.position, ...summary };
    return bad ? { ok: false, ...result, firstBad: bad } : { ok: true, ...result };
  } catch (error) {
    failed = true; // a cursor may be half-read: drop the connection rather than reuse it
    throw error;
  } finally {
    client.release(failed);
  }
}
