// What an entry becomes in its row, before the chain gives it a place: snake_case, JSON-clean,
// client identities pseudonymised, text PostgreSQL can store (storable.ts).
import type { AuditRow } from './canonical';
import type { AuditEntry } from './entry';
import { storableContent } from './storable';
import { pseudonymiseChange, pseudonymiseValue, scrubText } from './privacy';

/** The columns of a row that come from its entry (the chain and the signature fill in the rest). */
export type AuditContent = Omit<
  AuditRow,
  'audit_id' | 'chain_position' | 'recorded_at' | 'key_id' | 'prev_hash' | 'signature' | 'row_hash'
>;

// JSON round trip: what is signed must be exactly what jsonb gives back (no undefined, no Dates,
// no NaN); BigInt and cycles fail here, with JSON's own error.
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The entry as stored: snake_case, client identities pseudonymised. */
export function toContent(entry: AuditEntry, pseudonymKey: Buffer): AuditContent {
  return storableContent({
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
    manual_rollback_eligible: entry.manualRollbackEligible,
    reason: scrubText(entry.reason, pseudonymKey),
    confidence: entry.confidence,
    execution_status: entry.executionStatus,
    degradation_detected: entry.degradationDetected,
    auto_rollback_triggered: entry.autoRollbackTriggered,
    operator: entry.operator ?? null,
    details: asJson(pseudonymiseValue(entry.details ?? {}, pseudonymKey) as Record<string, unknown>),
    idempotency_key: entry.idempotencyKey,
  });
}
