// Shared fixtures of the audit tests.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  loadAuditKeys,
  loadCheckpointKeys,
  type AuditEntry,
  type AuditKeys,
  type AuditRow,
  type CheckpointKeys,
} from '../../audit';
import { canonicalForm, rowHash, sign } from '../../audit/canonical';
import { createAuditActivities, type AuditActivities } from '../../activities/audit';
import { createTestDatabase, type TestDatabase } from '../support/database';

export const KEY_A = Buffer.alloc(32, 1).toString('base64');
export const KEY_B = Buffer.alloc(32, 2).toString('base64');

/** The HMAC key configuration of the tests, as environment variables. */
export const hmacEnv = (activeKeyId = 'k1') => ({
  RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A},k2:${KEY_B}`,
  RRM_AUDIT_HMAC_KEY_ID: activeKeyId,
  RRM_AUDIT_PSEUDONYM_KEY: Buffer.alloc(32, 3).toString('base64'),
});

export const testKeys = (activeKeyId = 'k1'): AuditKeys => loadAuditKeys(hmacEnv(activeKeyId));

/** A fresh Ed25519 key pair as the configuration expects it: base64 DER (PKCS#8 / SPKI). */
export function ed25519Pair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export const CHECKPOINT_PAIR = ed25519Pair();
export const checkpointEnv = () => ({ RRM_AUDIT_CHECKPOINT_KEYS: `cp1:${CHECKPOINT_PAIR.privateKey}` });
export const testCheckpointKeys = (): CheckpointKeys => loadCheckpointKeys(checkpointEnv())!;

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
    manualRollbackEligible: true,
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

/** Runs SQL as an attacker with rights to bypass the append-only triggers would. */
export async function tamper(pool: Pool, sql: string, values: unknown[] = []): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(sql, values);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Empties the chain, its anchors and its head, past the append-only triggers. */
/**
 * The audit store of one test file: a fresh database for the file, its chain emptied before each
 * test, and the audit activities over it with `keys`.
 */
export function useAuditStore(keys: AuditKeys): {
  readonly db: TestDatabase;
  readonly audit: AuditActivities;
} {
  let db: TestDatabase | undefined;
  let audit: AuditActivities | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    audit = createAuditActivities(db.pool, keys);
  });
  afterAll(() => db?.drop());
  beforeEach(() => resetChain(db!.pool));
  return {
    get db() {
      return db!;
    },
    get audit() {
      return audit!;
    },
  };
}

export async function resetChain(pool: Pool): Promise<void> {
  await tamper(
    pool,
    `TRUNCATE audit_records, audit_anchors;
     UPDATE audit_chain_head SET chain_position = 0, row_hash = repeat('0', 64), recorded_at = '-infinity'`,
  );
}

/** Inserts a row as given (superuser, no trigger involved on INSERT). */
export async function insertRow(pool: Pool, row: AuditRow): Promise<void> {
  await pool.query('SELECT audit_ensure_partition($1::timestamptz)', [row.recorded_at]);
  await pool.query(
    'INSERT INTO audit_records SELECT * FROM jsonb_populate_record(null::audit_records, $1::jsonb)',
    [JSON.stringify(row)],
  );
}

/**
 * Appends genuinely signed records at chosen times (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), as the writer
 * would have at those times, and moves the head: how the tests get months in the past.
 */
export async function seedChain(
  pool: Pool,
  keys: AuditKeys,
  times: string[],
  fields: Partial<AuditRow> = {},
): Promise<void> {
  const { rows } = await pool.query('SELECT chain_position::int AS position, row_hash FROM audit_chain_head');
  let { position, row_hash: prevHash } = rows[0] as { position: number; row_hash: string };
  for (const recordedAt of times) {
    position += 1;
    const row: AuditRow = {
      audit_id: randomUUID(),
      chain_position: position,
      recorded_at: recordedAt,
      event_id: `seed-${position}`,
      event_type: 'LOAD_IMBALANCE',
      severity: 'LOW',
      ap_id: 'ap-seed',
      action_type: 'STEER',
      configuration_changes: [],
      rollback_token: null,
      rollback_eligible: true,
      manual_rollback_eligible: false,
      reason: 'seeded',
      confidence: 0.5,
      execution_status: 'APPLIED',
      degradation_detected: false,
      auto_rollback_triggered: false,
      operator: null,
      details: {},
      idempotency_key: `seed-${position}-${randomUUID()}`,
      key_id: keys.activeKeyId,
      prev_hash: prevHash,
      signature: '',
      row_hash: '',
      ...fields,
    };
    const canonical = canonicalForm(row);
    row.signature = sign(canonical, keys.keys.get(keys.activeKeyId)!);
    row.row_hash = rowHash(canonical, row.signature);
    await insertRow(pool, row);
    prevHash = row.row_hash;
  }
  await tamper(pool, 'UPDATE audit_chain_head SET chain_position = $1, row_hash = $2, recorded_at = $3', [
    position,
    prevHash,
    times[times.length - 1],
  ]);
}
