// Appends signed rows to the audit chain: a batch of entries per transaction, once per idempotency key.
// The group-commit writer (group-commit.ts) and the one-off appendAuditRecord share this one path.
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { canonicalForm, isoMicrosSql, rowHash, sign, type AuditRow } from './canonical';
import { toContent, type AuditContent } from './content';
import type { AuditEntry } from './entry';
import type { AuditKeys } from './keys';

export interface AuditReceipt {
  auditId: string;
  chainPosition: number;
}

interface ChainHead {
  position: number;
  rowHash: string;
  /** The time every row of the batch is stamped with. */
  recordedAt: string;
}

// A batch takes two round trips, each a simple-protocol query of several statements (each statement
// with a fresh snapshot). Such a query carries no bind parameters: values go in as JSON text in a
// dollar-quoted literal, which the server reads verbatim (no escapes to process, and JSON text holds
// no NUL). Far cheaper for the server than a quoted literal of the same size.

/** `value`'s JSON text as a SQL json literal, dollar-quoted with a tag that does not occur in it. */
function jsonLiteral(value: unknown): string {
  const text = JSON.stringify(value);
  let tag = '$json$';
  for (let i = 0; text.includes(tag); i += 1) tag = `$json${i}$`;
  return `${tag}${text}${tag}::json`;
}

/**
 * First round trip: every writer queues on the chain-head row, so positions are gapless and no two
 * rows share a predecessor. What follows the lock sees what earlier holders committed: the head, and
 * the keys already written (an activity retry, or a duplicate from another worker). The database
 * clock stamps recorded_at (one clock for every worker), never before the head's, so months hold
 * contiguous position ranges even if the clock steps back; the month's partition is made under the
 * lock, so two writers never race to create it.
 */
const lockHeadSql = (idempotencyKeys: readonly string[]): string => `BEGIN;
  SELECT FROM audit_chain_head FOR UPDATE;
  WITH head AS MATERIALIZED (
    SELECT chain_position, row_hash, greatest(clock_timestamp(), recorded_at) AS at FROM audit_chain_head
  )
  SELECT chain_position::text, row_hash, ${isoMicrosSql('at')} AS recorded_at, audit_ensure_partition(at)
  FROM head;
  SELECT idempotency_key, audit_id::text, chain_position::text FROM audit_records
  WHERE idempotency_key = ANY (ARRAY(SELECT json_array_elements_text(${jsonLiteral(idempotencyKeys)})))`;

/** Second round trip: the rows, the head moved to the last of them, and the commit. */
function appendSql(rows: readonly AuditRow[]): string {
  const last = rows[rows.length - 1];
  return `INSERT INTO audit_records SELECT * FROM json_populate_recordset(NULL::audit_records, ${jsonLiteral(rows)});
  UPDATE audit_chain_head SET (chain_position, row_hash, recorded_at) =
    (SELECT chain_position, row_hash, recorded_at FROM json_populate_record(NULL::audit_chain_head, ${jsonLiteral(last)}));
  COMMIT`;
}

type Written = { idempotency_key: string; audit_id: string; chain_position: string };

/** Locks the chain head: the head, and the rows of the keys already written. */
async function lockHead(
  client: PoolClient,
  idempotencyKeys: readonly string[],
): Promise<{ head: ChainHead; written: Written[] }> {
  // A query of several statements answers with one result per statement.
  const [, , head, written] = (await client.query(lockHeadSql(idempotencyKeys))) as unknown as [
    QueryResult,
    QueryResult,
    QueryResult<{ chain_position: string; row_hash: string; recorded_at: string }>,
    QueryResult<Written>,
  ];
  const row = head.rows[0];
  if (!row) throw new Error('audit_chain_head has no row: run the migrations (db/migrate.ts)');
  return {
    head: { position: Number(row.chain_position), rowHash: row.row_hash, recordedAt: row.recorded_at },
    written: written.rows,
  };
}

/** Signs `contents` as the rows that follow `head`, in order. */
function chainRows(
  head: ChainHead,
  contents: readonly AuditContent[],
  keys: AuditKeys,
  secret: Buffer,
): AuditRow[] {
  let prevHash = head.rowHash;
  return contents.map((content, i) => {
    // The content spread last: properties added after a spread make V8 build a slow dictionary object.
    const row: AuditRow = {
      audit_id: randomUUID(),
      chain_position: head.position + i + 1,
      recorded_at: head.recordedAt,
      key_id: keys.activeKeyId,
      prev_hash: prevHash,
      signature: '',
      row_hash: '',
      ...content,
    };
    const canonical = canonicalForm(row);
    row.signature = sign(canonical, secret);
    row.row_hash = rowHash(canonical, row.signature);
    prevHash = row.row_hash;
    return row;
  });
}

/**
 * Signs the entries and appends them, in order, at the end of the chain, in one transaction under
 * one chain-head lock, in the month partition of their time (created on a month's first write).
 * Every row of the batch carries the same recorded_at. An idempotency key that is already written
 * (an activity retry, or a concurrent duplicate), or that comes again in `contents`, gets the
 * receipt of its first row and writes nothing. All or nothing: on an error nothing is written.
 * Entries must already be validated (see parseAuditEntry).
 */
export async function appendBatch(
  pool: Pool,
  keys: AuditKeys,
  contents: readonly AuditContent[],
): Promise<AuditReceipt[]> {
  const secret = keys.keys.get(keys.activeKeyId);
  if (!secret) throw new Error(`audit key "${keys.activeKeyId}" is not configured`);
  const firsts = new Map<string, AuditContent>();
  for (const content of contents)
    if (!firsts.has(content.idempotency_key)) firsts.set(content.idempotency_key, content);
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that dies between queries emits 'error' on the client, which we hold (the pool's
  // own listener is detached while a client is checked out).
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    const { head, written } = await lockHead(client, [...firsts.keys()]);
    const receipts = new Map<string, AuditReceipt>();
    const receive = (row: Written | AuditRow) =>
      receipts.set(row.idempotency_key, { auditId: row.audit_id, chainPosition: Number(row.chain_position) });
    written.forEach(receive);
    const rows = chainRows(
      head,
      [...firsts.values()].filter((c) => !receipts.has(c.idempotency_key)),
      keys,
      secret,
    );
    await client.query(rows.length > 0 ? appendSql(rows) : 'COMMIT');
    rows.forEach(receive);
    return contents.map((c) => receipts.get(c.idempotency_key)!);
  } catch (error) {
    if (!broken) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken); // a broken connection is destroyed, not returned to the pool
  }
}

/**
 * Signs the entry and appends it at the end of the chain: a batch of one. When a row with the same
 * idempotency key exists (an activity retry, or a concurrent duplicate), returns that row and
 * writes nothing. The entry must already be validated (see parseAuditEntry).
 */
export async function appendAuditRecord(
  pool: Pool,
  keys: AuditKeys,
  entry: AuditEntry,
): Promise<AuditReceipt> {
  const [receipt] = await appendBatch(pool, keys, [toContent(entry, keys.pseudonymKey)]);
  return receipt;
}
