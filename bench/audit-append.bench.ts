// Audit write throughput on the real PostgreSQL (DATABASE_URL): signed, hash-chained appends from
// several concurrent writers, as a fleet of workers would make them, into a scratch database.
// Prints records per second and latency percentiles. `npm run bench`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { appendAuditRecord, loadAuditKeys, type AuditEntry } from '../activities/audit';
import { percentile, withScratchDatabase } from './scratch-database';

const WRITERS = 8;
const RECORDS = 2_000;

async function main(): Promise<void> {
  await withScratchDatabase(async (url) => {
    const pool = new Pool({ connectionString: url, max: WRITERS });
    const keys = loadAuditKeys({ RRM_AUDIT_HMAC_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` });
    const latencies: number[] = [];
    let next = 0;
    const entry = (i: number): AuditEntry => ({
      eventId: `bench-${i}`,
      eventType: 'NON_WIFI_BURST',
      severity: 'HIGH',
      apId: `ap-${i % 50}`,
      actionType: 'CHANNEL_CHANGE',
      configurationChanges: [{ param: 'channel', oldValue: 44, newValue: 36 }],
      rollbackToken: randomUUID(),
      rollbackEligible: true,
      reason: 'bench',
      confidence: 0.9,
      executionStatus: 'APPLIED',
      degradationDetected: false,
      autoRollbackTriggered: false,
      idempotencyKey: `bench-${i}:1:APPLIED`,
    });
    const start = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < RECORDS; i = next++) {
          const t = performance.now();
          await appendAuditRecord(pool, keys, entry(i));
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => percentile(latencies, p);
    console.log(
      `audit append: ${RECORDS} records, ${WRITERS} writers: ${Math.round(RECORDS / seconds)} records/s; latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms`,
    );
    await pool.end();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
