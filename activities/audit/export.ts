// Streams audit records out as CSV or JSONL (DESIGN.md §6), in constant memory.
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { AUDIT_COLUMNS, fromDb, type AuditRow } from './canonical';

export interface ExportOptions {
  apId?: string;
  /** Inclusive lower bound on recorded_at. */
  from?: Date | string;
  /** Exclusive upper bound on recorded_at. */
  to?: Date | string;
  format: 'csv' | 'jsonl';
}

/** Export columns, in order: every stored column, so an export can be checked against the chain. */
export const EXPORT_COLUMNS: readonly (keyof AuditRow)[] = [
  'audit_id',
  'chain_position',
  'recorded_at',
  'event_id',
  'event_type',
  'severity',
  'ap_id',
  'action_type',
  'configuration_changes',
  'rollback_token',
  'rollback_eligible',
  'reason',
  'confidence',
  'execution_status',
  'degradation_detected',
  'auto_rollback_triggered',
  'operator',
  'details',
  'idempotency_key',
  'key_id',
  'prev_hash',
  'signature',
  'row_hash',
];

const PROGRESS_EVERY = 1000;

function toTimestamp(value: Date | string, name: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`audit export: "${name}" is not a valid date: ${String(value)}`);
  return date.toISOString();
}

function buildQuery(options: ExportOptions): { text: string; values: string[] } {
  const where: string[] = [];
  const values: string[] = [];
  if (options.apId !== undefined) {
    values.push(options.apId);
    where.push(`ap_id = $${values.length}`);
  }
  if (options.from !== undefined) {
    values.push(toTimestamp(options.from, 'from'));
    where.push(`recorded_at >= $${values.length}::timestamptz`);
  }
  if (options.to !== undefined) {
    values.push(toTimestamp(options.to, 'to'));
    where.push(`recorded_at < $${values.length}::timestamptz`);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return {
    text: `SELECT ${AUDIT_COLUMNS} FROM audit_records ${filter} ORDER BY audit_records.recorded_at, audit_records.chain_position`,
    values,
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Writes the matching records to `out` (ordered by recorded_at, then chain position) and returns
 * how many. CSV has a header row, JSON cells as JSON text, and cells starting with = + - @ tab or CR
 * prefixed with an apostrophe (formula injection). JSONL is one record per line, snake_case keys.
 * `onProgress(rows)` is called every 1000 rows and at the end. `out` is not ended: the caller owns it.
 */
export async function exportAudit(
  pool: Pool,
  options: ExportOptions,
  out: Writable,
  onProgress?: (rows: number) => void,
): Promise<number> {
  if (options.format !== 'csv' && options.format !== 'jsonl') {
    throw new Error(`audit export: format must be csv or jsonl, got ${String(options.format)}`);
  }
  const query = buildQuery(options);
  let count = 0;
  const toRecord = new Transform({
    objectMode: true,
    transform(raw: Record<string, unknown>, _encoding, done) {
      const row = fromDb(raw);
      count += 1;
      if (onProgress && count % PROGRESS_EVERY === 0) onProgress(count);
      if (options.format === 'jsonl') return done(null, `${JSON.stringify(row)}\n`);
      done(null, Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, csvCell(row[column])])));
    },
  });
  const client = await pool.connect();
  let failed = false;
  try {
    const rows = client.query(new QueryStream(query.text, query.values, { batchSize: 500 }));
    if (options.format === 'csv') {
      const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], escape_formulas: true });
      await pipeline(rows, toRecord, csv, out, { end: false });
    } else {
      await pipeline(rows, toRecord, out, { end: false });
    }
  } catch (error) {
    failed = true; // the cursor may be half-read: drop the connection rather than reuse it
    throw error;
  } finally {
    client.release(failed);
  }
  onProgress?.(count);
  return count;
}
