// Appends signed rows to the audit chain: one at a time, once per idempotency key.
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { canonicalForm, isoMicrosSql, rowHash, sign, type AuditRow } from './canonical';
import type { AuditEntry } from './entry';
import type { AuditKeys } from './keys';
import { pseudonymiseChange, pseudonymiseValue, scrubText } from './privacy';

export interface AuditReceipt {
  auditId: string;
  chainPosition: number;
}

type Content = Omit<
  AuditRow,
  'audit_id' | 'chain_position' | 'recorded_at' | 'key_id' | 'prev_hash' | 'signature' | 'row_hash'
>;

// JSON round trip: what is signed must be exactly what jsonb gives back (no undefined, no Dates,
// no NaN); BigInt and cycles fail here, with JSON's own error.
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The entry as stored: snake_case, client identities pseudonymised. */
function toContent(entry: AuditEntry, pseudonymKey: Buffer): Content {
  return {
    event_id: entry.eventId,
    event_type: entry.eventType,
    severity: entry.severity,
    ap_id: entry.apId,
    action_type: entry.actionType,
    configuration_changes: asJson(
      entry.configurationChanges
        .map((change) => pseudonymiseChange(change, pseudonymKey))
        .map((c) => ({ param: c.param, old_value: c.oldValue ?? null, new_value: c.newValue ?? null })),
    ),
    rollback_token: entry.rollbackToken,
    rollback_eligible: entry.rollbackEligible,
    reason: scrubText(entry.reason, pseudonymKey),
    confidence: entry.confidence,
    execution_status: entry.executionStatus,
    degradation_detected: entry.degradationDetected,
    auto_rollback_triggered: entry.autoRollbackTriggered,
    operator: entry.operator ?? null,
    details: asJson(pseudonymiseValue(entry.details ?? {}, pseudonymKey) as Record<string, unknown>),
    idempotency_key: entry.idempotencyKey,
  };
}

async function findByKey(db: Pool | PoolClient, idempotencyKey: string): Promise<AuditReceipt | undefined> {
  const { rows } = await db.query<{ audit_id: string; chain_position: string }>(
    'SELECT audit_id::text, chain_position::text FROM audit_records WHERE idempotency_key = $1',
    [idempotencyKey],
  );
  return rows[0] && { auditId: rows[0].audit_id, chainPosition: Number(rows[0].chain_position) };
}

const INSERT = `INSERT INTO audit_records (audit_id, chain_position, recorded_at, event_id, event_type,
  severity, ap_id, action_type, configuration_changes, rollback_token, rollback_eligible, reason,
  confidence, execution_status, degradation_detected, auto_rollback_triggered, operator, details,
  idempotency_key, key_id, prev_hash, signature, row_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb,
  $19, $20, $21, $22, $23)`;

/**
 * Signs the entry and appends it at the end of the chain, in the month partition of its time
 * (created on a month's first write). When a row with the same idempotency key
 * exists (an activity retry, or a concurrent duplicate), returns that row and writes nothing.
 * The entry must already be validated (see parseAuditEntry).
 */
export async function appendAuditRecord(
  pool: Pool,
  keys: AuditKeys,
  entry: AuditEntry,
): Promise<AuditReceipt> {
  // Retries usually find their row here, without queueing for the chain lock.
  const existing = await findByKey(pool, entry.idempotencyKey);
  if (existing) return existing;
  const content = toContent(entry, keys.pseudonymKey);
  const secret = keys.keys.get(keys.activeKeyId);
  if (!secret) throw new Error(`audit key "${keys.activeKeyId}" is not configured`);

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    // Every writer queues on the chain-head row: positions are gapless and no two rows share a
    // predecessor. Under READ COMMITTED each later statement sees what earlier holders committed.
    // The database clock stamps recorded_at (one clock for every worker), never before the head's,
    // so months hold contiguous position ranges even if the clock steps back.
    const head = await client.query<{ chain_position: string; row_hash: string; recorded_at: string }>(
      `SELECT chain_position::text, row_hash,
        ${isoMicrosSql('greatest(clock_timestamp(), recorded_at)')} AS recorded_at
       FROM audit_chain_head FOR UPDATE`,
    );
    if (head.rows.length !== 1)
      throw new Error('audit_chain_head has no row: run the migrations (db/migrate.ts)');
    // A concurrent duplicate that held the lock before us has committed by now.
    const duplicate = await findByKey(client, entry.idempotencyKey);
    if (duplicate) {
      await client.query('COMMIT');
      return duplicate;
    }
    const row: AuditRow = {
      ...content,
      audit_id: randomUUID(),
      chain_position: Number(head.rows[0].chain_position) + 1,
      recorded_at: head.rows[0].recorded_at,
      key_id: keys.activeKeyId,
      prev_hash: head.rows[0].row_hash,
      signature: '',
      row_hash: '',
    };
    await client.query('SELECT audit_ensure_partition($1::timestamptz)', [row.recorded_at]);
    const canonical = canonicalForm(row);
    row.signature = sign(canonical, secret);
    row.row_hash = rowHash(canonical, row.signature);
    await client.query(INSERT, [
      row.audit_id,
      row.chain_position,
      row.recorded_at,
      row.event_id,
      row.event_type,
      row.severity,
      row.ap_id,
      row.action_type,
      JSON.stringify(row.configuration_changes),
      row.rollback_token,
      row.rollback_eligible,
      row.reason,
      row.confidence,
      row.execution_status,
      row.degradation_detected,
      row.auto_rollback_triggered,
      row.operator,
      JSON.stringify(row.details),
      row.idempotency_key,
      row.key_id,
      row.prev_hash,
      row.signature,
      row.row_hash,
    ]);
    await client.query(
      'UPDATE audit_chain_head SET chain_position = $1, row_hash = $2, recorded_at = $3::timestamptz',
      [row.chain_position, row.row_hash, row.recorded_at],
    );
    await client.query('COMMIT');
    return { auditId: row.audit_id, chainPosition: row.chain_position };
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError; // the connection is unusable: do not return it to the pool
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
