// Archive anchors: where an archived range of the chain ends, signed with a checkpoint key and kept
// in audit_anchors, so verification of what is left in the database starts from the newest one.
import type { PoolClient } from 'pg';
import { GENESIS_HASH } from './canonical';
import type { CheckpointKeys } from './checkpoint-keys';
import { missing, type AuditFinding } from './findings';
import { statementProblem, type Signature } from './statement';

export interface Anchor extends Signature {
  type: 'rrm-audit-anchor';
  /** The archived month partition, and its time range [range_from, range_to). */
  partition: string;
  range_from: string;
  range_to: string;
  first_position: number;
  last_position: number;
  /** The row_hash the first archived record links to (the previous anchor's last_row_hash). */
  prev_hash: string;
  last_row_hash: string;
  /** The archive file (gzip JSONL of the records, as exported) and its SHA-256. */
  file: string;
  file_sha256: string;
  archived_at: string;
}

export interface AnchorEvidence {
  /** Where the chain left in the database resumes: after this position, linking to this hash. */
  position: number;
  hash: string;
  count: number;
  /** last_row_hash by last_position, to check checkpoints that fall into archived ranges. */
  hashes: Map<number, string>;
  problem?: AuditFinding;
}

/** Reads and checks every anchor in order: genuine, and each one continuing the previous one. */
export async function readAnchors(
  client: PoolClient,
  keys: CheckpointKeys | undefined,
): Promise<AnchorEvidence> {
  const { rows } = await client.query<{ last_position: string; anchor: Anchor }>(
    'SELECT last_position::text, anchor FROM audit_anchors ORDER BY last_position',
  );
  const evidence: AnchorEvidence = { position: 0, hash: GENESIS_HASH, count: 0, hashes: new Map() };
  for (const { last_position, anchor } of rows) {
    const problem = statementProblem(anchor, keys);
    const first = evidence.position + 1;
    const where = `archive anchor of ${String(anchor.partition)}`;
    if (problem === 'unknown_key') {
      evidence.problem = missing(
        first,
        'unknown_key',
        `${where} names key "${String(anchor.key_id)}", not configured`,
      );
    } else if (
      problem ||
      anchor.type !== 'rrm-audit-anchor' ||
      Number(last_position) !== anchor.last_position
    ) {
      evidence.problem = missing(first, 'bad_anchor', `${where} is not a genuine signed anchor`);
    } else if (anchor.first_position !== first || anchor.prev_hash !== evidence.hash) {
      evidence.problem = missing(
        first,
        anchor.first_position > first ? 'deleted' : 'bad_anchor',
        `${where} covers ${anchor.first_position}..${anchor.last_position} but the chain continues at ${first}`,
      );
    }
    if (evidence.problem) break;
    evidence.position = anchor.last_position;
    evidence.hash = anchor.last_row_hash;
    evidence.hashes.set(anchor.last_position, anchor.last_row_hash);
    evidence.count += 1;
  }
  return evidence;
}
