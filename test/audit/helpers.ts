// Shared fixtures of the audit tests.
import type { Pool } from 'pg';
import { loadAuditKeys, type AuditEntry, type AuditKeys } from '../../activities/audit';

export const KEY_A = Buffer.alloc(32, 1).toString('base64');
export const KEY_B = Buffer.alloc(32, 2).toString('base64');

export const testKeys = (activeKeyId = 'k1'): AuditKeys =>
  loadAuditKeys({
    RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A},k2:${KEY_B}`,
    RRM_AUDIT_HMAC_KEY_ID: activeKeyId,
    RRM_AUDIT_PSEUDONYM_KEY: Buffer.alloc(32, 3).toString('base64'),
  });

let counter = 0;

export function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  counter += 1;
  return {
    eventId: `evt-${counter}`,
    eventType: 'DFS_RADAR',
    severity: 'CRITICAL',
    apId: 'ap-1',
    actionType: 'CHANNEL_CHANGE',
    configurationChanges: [{ param: 'radio.5g.channel', oldValue: 52, newValue: 36 }],
    rollbackToken: `rb-${counter}`,
    rollbackEligible: false,
    reason: 'radar on 52; best permitted non-DFS channel 36',
    confidence: 1,
    executionStatus: 'APPLIED',
    degradationDetected: false,
    autoRollbackTriggered: false,
    details: { scores: { '36': 0.91, '40': 0.72 } },
    idempotencyKey: `evt-${counter}:apply`,
    ...overrides,
  };
}

/** Empties the chain (TRUNCATE is not blocked by the append-only row trigger). */
export async function resetChain(pool: Pool): Promise<void> {
  await pool.query(
    "TRUNCATE audit_records; UPDATE audit_chain_head SET chain_position = 0, row_hash = repeat('0', 64)",
  );
}

/** Runs SQL as an attacker with rights to bypass the append-only trigger would. */
export async function tamper(pool: Pool, sql: string, values: unknown[] = []): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(sql, values);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
