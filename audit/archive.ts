// Retention: whole months of the chain leave the database as compressed files, and a signed anchor
// takes their place so that what stays remains verifiable from the archive boundary on.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { escapeIdentifier, type Pool } from 'pg';
import type { Anchor } from './anchors';
import { AUDIT_COLUMNS, GENESIS_HASH } from './canonical';
import { signingKey, type CheckpointKeys } from './checkpoint-keys';
import { writeRecords } from './export';
import type { AuditKeys } from './keys';
import { signStatement } from './statement';
import { checkRow, type Expected } from './verify-row';

export interface ArchiveOptions {
  /** Archive the months that ended at least this many days before `now`. */
  olderThanDays: number;
  /** Where the archive files (`<partition>.jsonl.gz`, `<partition>.anchor.json`) go. */
  outDir: string;
  now?: Date;
}

export interface ArchiveResult {
  /** One per archived month, oldest first. */
  anchors: Anchor[];
  /** Months that held no record: dropped without a file. */
  dropped: string[];
}

interface Partition {
  name: string;
  from: Date;
  to: Date;
}

// Partitions are only ever created by audit_ensure_partition, which names them by month (UTC).
const PARTITION_NAME = /^audit_records_(\d{4})_(\d{2})$/;

async function listPartitions(pool: Pool): Promise<Partition[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_records'::regclass`,
  );
  return rows
    .map(({ name }) => {
      const [, year, month] = PARTITION_NAME.exec(name) ?? [];
      if (!year) throw new Error(`audit_records has a partition not made by the migration: ${name}`);
      return { name, from: new Date(Date.UTC(+year, +month - 1)), to: new Date(Date.UTC(+year, +month)) };
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

async function chainStart(pool: Pool): Promise<{ position: number; hash: string }> {
  const { rows } = await pool.query<{ anchor: Anchor }>(
    'SELECT anchor FROM audit_anchors ORDER BY last_position DESC LIMIT 1',
  );
  return rows[0]
    ? { position: rows[0].anchor.last_position, hash: rows[0].anchor.last_row_hash }
    : { position: 0, hash: GENESIS_HASH };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Writes a partition's records to a gzip JSONL file in chain order, checking every signature and
 * link on the way: an archive never seals a damaged range. Returns the count and where it ends.
 */
async function dumpPartition(
  pool: Pool,
  partition: Partition,
  start: { position: number; hash: string },
  keys: AuditKeys,
  file: string,
): Promise<{ count: number; last: { position: number; hash: string } }> {
  const expected: Expected = { position: start.position + 1, prevHash: start.hash, headPosition: Infinity };
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(file));
  const query = {
    text: `SELECT ${AUDIT_COLUMNS} FROM ${escapeIdentifier(partition.name)} AS p ORDER BY p.chain_position`,
    values: [],
  };
  try {
    const count = await writeRecords(pool, query, 'jsonl', gzip, (row) => {
      const bad = checkRow(row, expected, keys);
      if (bad) {
        const why =
          'problem' in bad ? `${bad.problem}: ${bad.detail}` : 'it does not link to the previous record';
        throw new Error(`refusing to archive ${partition.name}: record ${row.chain_position}: ${why}`);
      }
      expected.position += 1;
      expected.prevHash = row.row_hash;
    });
    gzip.end();
    await written;
    return { count, last: { position: expected.position - 1, hash: expected.prevHash } };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
}

/**
 * Archives, oldest first, every month partition that ended `olderThanDays` before now: dump (gzip
 * JSONL, verified on the way), then in one transaction detach the partition, check nothing changed,
 * insert the signed anchor (Ed25519, active checkpoint key) and drop it. Detaching and dropping are
 * DDL, which the append-only triggers do not stop: run this as the table owner, not the writer role.
 */
export async function archiveAuditPartitions(
  pool: Pool,
  keys: AuditKeys,
  checkpointKeys: CheckpointKeys | undefined,
  options: ArchiveOptions,
): Promise<ArchiveResult> {
  if (!Number.isFinite(options.olderThanDays) || options.olderThanDays < 0) {
    throw new Error(`--older-than-days must be a number of days >= 0, got ${options.olderThanDays}`);
  }
  signingKey(checkpointKeys); // fail before touching anything when no key can sign the anchor
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000;
  const due = (await listPartitions(pool)).filter((p) => p.to.getTime() <= cutoff);
  await mkdir(options.outDir, { recursive: true });
  const result: ArchiveResult = { anchors: [], dropped: [] };
  for (const partition of due) {
    const start = await chainStart(pool);
    const fileName = `${partition.name}.jsonl.gz`;
    const file = path.join(options.outDir, fileName);
    const partial = `${file}.partial`;
    const dumped = await dumpPartition(pool, partition, start, keys, partial);
    const anchor =
      dumped.count === 0
        ? undefined
        : signStatement(
            {
              type: 'rrm-audit-anchor' as const,
              partition: partition.name,
              range_from: partition.from.toISOString(),
              range_to: partition.to.toISOString(),
              first_position: start.position + 1,
              last_position: dumped.last.position,
              prev_hash: start.hash,
              last_row_hash: dumped.last.hash,
              file: fileName,
              file_sha256: await sha256Of(partial),
              archived_at: new Date().toISOString(),
            },
            checkpointKeys,
          );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const table = escapeIdentifier(partition.name);
      await client.query(`ALTER TABLE audit_records DETACH PARTITION ${table}`);
      const now = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      if (now.rows[0].n !== dumped.count) throw new Error(`${partition.name} changed while it was archived`);
      if (anchor) {
        await client.query('INSERT INTO audit_anchors (last_position, anchor) VALUES ($1, $2::jsonb)', [
          anchor.last_position,
          JSON.stringify(anchor),
        ]);
      }
      await client.query(`DROP TABLE ${table}`);
      if (anchor) {
        await writeFile(
          path.join(options.outDir, `${partition.name}.anchor.json`),
          `${JSON.stringify(anchor)}\n`,
        );
        await rename(partial, file);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
      await rm(partial, { force: true });
    }
    if (anchor) result.anchors.push(anchor);
    else result.dropped.push(partition.name);
  }
  return result;
}
