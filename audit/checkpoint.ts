// Signed checkpoints of the chain head, kept outside the database (an append-only JSONL file), so
// that removing the newest records — together with the head — is still caught by verify.
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Pool } from 'pg';
import type { CheckpointKeys } from './checkpoint-keys';
import { missing, type AuditFinding } from './findings';
import { signStatement, statementProblem, type Signature } from './statement';

export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';

export interface Checkpoint extends Signature {
  type: 'rrm-audit-checkpoint';
  chain_position: number;
  row_hash: string;
  created_at: string;
}

/**
 * Signs the current chain head with the active checkpoint key and appends it to
 * `<dir>/audit-checkpoints.jsonl` (created when missing, synced to disk). Refuses when the head does
 * not match the record at its position: a checkpoint must never bless a damaged chain end.
 */
export async function writeCheckpoint(
  pool: Pool,
  keys: CheckpointKeys | undefined,
  dir: string,
): Promise<Checkpoint> {
  const { rows } = await pool.query<{ chain_position: string; row_hash: string; last_hash: string | null }>(
    `SELECT h.chain_position::text, h.row_hash, r.row_hash AS last_hash
     FROM audit_chain_head h LEFT JOIN audit_records r ON r.chain_position = h.chain_position`,
  );
  if (rows.length !== 1)
    throw new Error('audit_chain_head has no single row: run the migrations (db/migrate.ts)');
  const head = rows[0];
  if (head.last_hash !== null && head.last_hash !== head.row_hash) {
    throw new Error(`the chain head does not match record ${head.chain_position}: run \`rrm audit verify\``);
  }
  const checkpoint = signStatement(
    {
      type: 'rrm-audit-checkpoint' as const,
      chain_position: Number(head.chain_position),
      row_hash: head.row_hash,
      created_at: new Date().toISOString(),
    },
    keys,
  );
  await mkdir(dir, { recursive: true });
  const file = await open(path.join(dir, CHECKPOINT_FILE), 'a');
  try {
    await file.write(`${JSON.stringify(checkpoint)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  return checkpoint;
}

/**
 * Writes a checkpoint every `intervalMs` while the chain head moves (an unchanged head is not
 * signed again), for the worker to run; returns a function that stops it. Errors go to `onError`
 * and the timer keeps going.
 */
export function startCheckpointTimer(
  pool: Pool,
  keys: CheckpointKeys,
  dir: string,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => void {
  let last: string | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { rows } = await pool.query<{ row_hash: string }>('SELECT row_hash FROM audit_chain_head');
      if (rows[0]?.row_hash !== last) last = (await writeCheckpoint(pool, keys, dir)).row_hash;
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  // Detached on purpose: tick reports its own failures through onError and skips while one runs.
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What the checkpoint file says about the chain. */
export interface CheckpointEvidence {
  count: number;
  /** row_hash each checkpointed position must still have. */
  hashes: Map<number, { hash: string; createdAt: string }>;
  /** The newest checkpoint (highest position): the chain must reach it. */
  latest?: Checkpoint;
  problem?: AuditFinding;
}

/** Reads and checks every checkpoint of `dir`, line by line; a missing file means no checkpoints. */
export async function readCheckpoints(
  dir: string,
  keys: CheckpointKeys | undefined,
): Promise<CheckpointEvidence> {
  const evidence: CheckpointEvidence = { count: 0, hashes: new Map() };
  const input = createReadStream(path.join(dir, CHECKPOINT_FILE), 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (!line.trim()) continue;
      const where = `${CHECKPOINT_FILE} line ${lineNumber}`;
      let checkpoint: Checkpoint;
      try {
        checkpoint = JSON.parse(line) as Checkpoint;
      } catch {
        evidence.problem = missing(0, 'bad_checkpoint', `${where} is not JSON`);
        break;
      }
      const position = Number(checkpoint.chain_position);
      const problem = statementProblem(checkpoint, keys);
      if (problem || checkpoint.type !== 'rrm-audit-checkpoint' || !Number.isSafeInteger(position)) {
        const why =
          problem === 'unknown_key'
            ? `names checkpoint key "${String(checkpoint.key_id)}", which is not configured`
            : 'is not a genuine signed checkpoint';
        evidence.problem = missing(
          position || 0,
          problem === 'unknown_key' ? 'unknown_key' : 'bad_checkpoint',
          `${where} ${why}`,
        );
        break;
      }
      const seen = evidence.hashes.get(position);
      if (seen && seen.hash !== checkpoint.row_hash) {
        evidence.problem = missing(
          position,
          'edited',
          `two signed checkpoints disagree on record ${position}: the chain was rewritten after ${seen.createdAt}`,
        );
        break;
      }
      evidence.count += 1;
      evidence.hashes.set(position, { hash: checkpoint.row_hash, createdAt: checkpoint.created_at });
      if (!evidence.latest || position >= evidence.latest.chain_position) evidence.latest = checkpoint;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return evidence;
}
