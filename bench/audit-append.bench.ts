// Audit write throughput on the real PostgreSQL (DATABASE_URL): signed, hash-chained appends from
// several concurrent writers, as a fleet of workers would make them. Uses a scratch database it
// creates and drops. Prints records per second and latency percentiles. `npm run bench`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { appendAuditRecord, loadAuditKeys, type AuditEntry } from '../activities/audit';
import { migrate } from '../db/migrate';

const WRITERS = 8;
const RECORDS = 2_000;

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set (npm run bench starts PostgreSQL)');
  const name = `rrm_bench_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString(), () => undefined);
    const pool = new Pool({ connectionString: url.toString(), max: WRITERS });
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
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    console.log(
      `audit append: ${RECORDS} records, ${WRITERS} writers: ${Math.round(RECORDS / seconds)} records/s; latency p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms`,
    );
    await pool.end();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
