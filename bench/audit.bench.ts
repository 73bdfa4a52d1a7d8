// The audit store on the real PostgreSQL (DATABASE_URL), in a scratch database: signed,
// hash-chained appends from several concurrent writers through one group-commit writer, as the
// recordAudit activities of a worker make them (records per second, latency percentiles), and the
// same writers with one transaction per record for the ratio; then what an auditor runs over them:
// the streaming export (records per second, and the heap it grows by, which must not grow with the
// records) and the verification of the whole chain. `npm run bench`.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import {
  appendAuditRecord,
  createAuditWriter,
  exportAudit,
  loadAuditKeys,
  verifyAuditChain,
  type AuditEntry,
} from '../audit';
import { percentile } from './percentile';
import { withScratchDatabase } from './scratch-database';

const WRITERS = 8;
const RECORDS = 10_000;
const ONE_PER_TRANSACTION_RECORDS = 2_000;

const entry = (i: number): AuditEntry => ({
  eventId: `bench-${i}`,
  eventType: 'NON_WIFI_BURST',
  severity: 'HIGH',
  apId: `ap-${i % 50}`,
  actionType: 'CHANNEL_CHANGE',
  configurationChanges: [{ param: 'channel', oldValue: 44, newValue: 36 }],
  rollbackToken: randomUUID(),
  rollbackEligible: true,
  manualRollbackEligible: true,
  reason: 'bench',
  confidence: 0.9,
  executionStatus: 'APPLIED',
  degradationDetected: false,
  autoRollbackTriggered: false,
  idempotencyKey: `bench-${i}:1:APPLIED`,
});

/** Records per second, and the latency percentiles as the bench prints them. */
interface AppendFigures {
  perSecond: number;
  text: string;
}

/** Appends entries from..to-1 from WRITERS concurrent writers, each waiting for its receipt. */
async function appendConcurrently(
  append: (entry: AuditEntry) => Promise<unknown>,
  from: number,
  to: number,
): Promise<AppendFigures> {
  const latencies: number[] = [];
  let next = from;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < to; i = next++) {
        const t = performance.now();
        await append(entry(i));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const perSecond = Math.round((to - from) / ((performance.now() - start) / 1000));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => percentile(latencies, p);
  return {
    perSecond,
    text: `${perSecond} records/s; latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms`,
  };
}

async function main(): Promise<void> {
  await withScratchDatabase(async (url) => {
    const pool = new Pool({ connectionString: url, max: WRITERS });
    const keys = loadAuditKeys({ RRM_AUDIT_HMAC_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` });
    const writer = createAuditWriter(pool, keys);
    const grouped = await appendConcurrently((e) => writer.append(e), 0, RECORDS);
    await writer.close();
    console.log(`audit append: ${RECORDS} records, ${WRITERS} writers: ${grouped.text}`);
    // Every row of one batch has the same transaction id (xmin).
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(DISTINCT xmin::text)::int AS n FROM audit_records WHERE chain_position <= $1',
      [RECORDS],
    );
    // The same writers with one transaction per record (appendAuditRecord), for the ratio.
    const single = await appendConcurrently(
      (e) => appendAuditRecord(pool, keys, e),
      RECORDS,
      RECORDS + ONE_PER_TRANSACTION_RECORDS,
    );
    console.log(
      `audit append, one transaction per record: ${ONE_PER_TRANSACTION_RECORDS} records, ${WRITERS} writers: ${single.text}; ` +
        `group commit (${(RECORDS / rows[0].n).toFixed(1)} records per transaction): ${(grouped.perSecond / single.perSecond).toFixed(1)}× the records/s`,
    );

    // The heap an export grows by must not depend on how many records it streams: one AP's 1/50
    // of them against all of them.
    let bytes = 0;
    const discard = () =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done();
        },
      });
    for (const format of ['csv', 'jsonl'] as const) {
      bytes = 0;
      const all = await timed(() => exportAudit(pool, { format }, discard()));
      const size = (bytes / 1e6).toFixed(1);
      const growth = await heapGrowthMb(() => exportAudit(pool, { format }, discard()));
      const fewGrowth = await heapGrowthMb(() => exportAudit(pool, { format, apId: 'ap-7' }, discard()));
      console.log(
        `audit export ${format}: ${all.result} records (${size} MB) at ${Math.round(all.result / (all.ms / 1000))} records/s; ` +
          `live heap grew by at most ${growth.toFixed(1)} MB (${fewGrowth.toFixed(1)} MB for one AP's records)`,
      );
    }
    const verified = await timed(() => verifyAuditChain(pool, keys));
    const verifyGrowth = await heapGrowthMb(() => verifyAuditChain(pool, keys));
    console.log(
      `audit verify: ${verified.result.checked} records ${verified.result.ok ? 'OK' : 'DAMAGED'} at ${Math.round(verified.result.checked / (verified.ms / 1000))} records/s; live heap grew by at most ${verifyGrowth.toFixed(1)} MB`,
    );
    await pool.end();
  });
}

/** `work`'s result and duration. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

/**
 * The most `work`'s live heap grew while it ran, in MB: sampled after a forced garbage collection
 * (run with --expose-gc, as bench/run.sh does), so garbage does not count. Slows `work` down: time it
 * in a run of its own.
 */
async function heapGrowthMb(work: () => Promise<unknown>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  const live = () => (gc(), process.memoryUsage().heapUsed);
  const before = live();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, live())), 20);
  try {
    await work();
    return (peak - before) / 1e6;
  } finally {
    clearInterval(sampler);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
