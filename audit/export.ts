// Streams audit records out as CSV or JSONL (docs/audit-contract.md), in constant memory.
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
  /** Rows between two progress reports (default 1000). */
  progressEvery?: number;
}

/** A query that selects AUDIT_COLUMNS. */
export interface RecordQuery {
  text: string;
  values: unknown[];
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
  'manual_rollback_eligible',
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

function toTimestamp(value: Date | string, name: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`audit export: "${name}" is not a valid date: ${String(value)}`);
  return date.toISOString();
}

function buildQuery(options: ExportOptions): RecordQuery {
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
 * Streams the rows of `query` to `out` through a server-side cursor, as CSV (header row, JSON cells
 * as JSON text, cells starting with = + - @ tab or CR prefixed with an apostrophe against formula
 * injection) or JSONL (one record per line, snake_case keys). `onRow` sees each row before it is
 * written; throwing there aborts the stream. Returns how many rows; `out` is not ended.
 */
export async function writeRecords(
  pool: Pool,
  query: RecordQuery,
  format: ExportOptions['format'],
  out: Writable,
  onRow?: (row: AuditRow, count: number) => void,
): Promise<number> {
  if (format !== 'csv' && format !== 'jsonl') {
    throw new Error(`audit export: format must be csv or jsonl, got ${String(format)}`);
  }
  let count = 0;
  const toRecord = new Transform({
    objectMode: true,
    transform(raw: Record<string, unknown>, _encoding, done) {
      const row = fromDb(raw);
      count += 1;
      try {
        onRow?.(row, count);
      } catch (error) {
        return done(error as Error);
      }
      if (format === 'jsonl') return done(null, `${JSON.stringify(row)}\n`);
      done(null, Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, csvCell(row[column])])));
    },
  });
  const client = await pool.connect();
  let failed = false;
  try {
    const rows = client.query(new QueryStream(query.text, query.values, { batchSize: 500 }));
    if (format === 'csv') {
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
  return count;
}

/**
 * Writes the records matching the AP / time filters to `out` (ordered by recorded_at, then chain
 * position; see writeRecords for the formats) and returns how many. `onProgress(rows)` is called
 * every `progressEvery` rows and at the end. A library function so that any surface (CLI, HTTP)
 * streams the same bytes.
 */
export async function exportAudit(
  pool: Pool,
  options: ExportOptions,
  out: Writable,
  onProgress?: (rows: number) => void,
): Promise<number> {
  const every = options.progressEvery ?? 1000;
  const count = await writeRecords(pool, buildQuery(options), options.format, out, (_row, n) => {
    if (onProgress && n % every === 0) onProgress(n);
  });
  onProgress?.(count);
  return count;
}
