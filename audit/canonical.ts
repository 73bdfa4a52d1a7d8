// The signed form of an audit row and its signature and hash. The writer and the verifier both go
// through here, so they cannot disagree on what was signed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

/** Hash that the first row of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** One `audit_records` row, with values exactly as they are signed (see AUDIT_COLUMNS). */
export interface AuditRow {
  audit_id: string;
  chain_position: number;
  /** ISO-8601 UTC with microseconds, the precision of timestamptz: `2025-01-02T03:04:05.678000Z`. */
  recorded_at: string;
  event_id: string;
  event_type: string;
  severity: string;
  ap_id: string;
  action_type: string;
  configuration_changes: { param: string; old_value: unknown; new_value: unknown }[];
  rollback_token: string | null;
  rollback_eligible: boolean;
  /** Null on rows written before the column existed (and then left out of the signed form). */
  manual_rollback_eligible: boolean | null;
  reason: string;
  confidence: number;
  execution_status: string;
  degradation_detected: boolean;
  auto_rollback_triggered: boolean;
  operator: string | null;
  details: Record<string, unknown>;
  idempotency_key: string;
  key_id: string;
  prev_hash: string;
  signature: string;
  row_hash: string;
}

/** SQL for a timestamptz expression as signed text: ISO-8601 UTC with microseconds. */
export const isoMicrosSql = (expression: string): string =>
  `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * SELECT list that reads a row in its signed representation, whatever type parsers the pg client
 * has: timestamps as text at full precision (a JS Date would drop the microseconds, so an edit of
 * them would go unnoticed), bigint as text (converted by `fromDb`). The aliases shadow the columns in
 * ORDER BY: qualify them there (`audit_records.chain_position`) to sort by the real types.
 */
export const AUDIT_COLUMNS = `audit_id::text AS audit_id, chain_position::text AS chain_position,
  ${isoMicrosSql('recorded_at')} AS recorded_at,
  event_id, event_type, severity, ap_id, action_type, configuration_changes, rollback_token,
  rollback_eligible, manual_rollback_eligible, reason, confidence, execution_status, degradation_detected,
  auto_rollback_triggered, operator, details, idempotency_key, key_id, prev_hash, signature, row_hash`;

/** A row selected with AUDIT_COLUMNS. */
export function fromDb(row: Record<string, unknown>): AuditRow {
  return { ...row, chain_position: Number(row.chain_position) } as unknown as AuditRow;
}

/** RFC 8785 canonical JSON of every column except the signature and the hash (which cover it). */
export function canonicalForm(row: AuditRow): string {
  const signed: Partial<AuditRow> = { ...row };
  delete signed.signature;
  delete signed.row_hash;
  // Rows from before the column (docs/audit-contract.md) were signed without it.
  if (signed.manual_rollback_eligible === null) delete signed.manual_rollback_eligible;
  const text = canonicalize(signed);
  if (text === undefined) throw new Error('audit row has no canonical form');
  return text;
}

/** HMAC-SHA256 of the canonical form, hex. */
export function sign(canonical: string, key: Buffer): string {
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

/** SHA-256 of canonical form + signature, hex: the chain link the next row's prev_hash repeats. */
export function rowHash(canonical: string, signature: string): string {
  return createHash('sha256')
    .update(canonical + signature, 'utf8')
    .digest('hex');
}

/** Constant-time comparison of two hex strings. */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
