// What callers hand to the audit writer, and its validation.
import { z } from 'zod';

export interface ConfigurationChange {
  param: string;
  oldValue: unknown;
  newValue: unknown;
}

/** One decision or change to audit (docs/audit-contract.md). Stored as one signed row of `audit_records`. */
export interface AuditEntry {
  eventId: string;
  eventType: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  apId: string;
  actionType: string;
  configurationChanges: ConfigurationChange[];
  rollbackToken: string | null;
  /** The policy row allows an automatic rollback of this event type's action. */
  rollbackEligible: boolean;
  /** An operator may still undo the change by hand: it has a rollback token. */
  manualRollbackEligible: boolean;
  /** Why; channel scores and similar explanations go here or into `details`. */
  reason: string;
  confidence: number;
  executionStatus: string;
  degradationDetected: boolean;
  autoRollbackTriggered: boolean;
  /** Who acted, for manual operator actions. */
  operator?: string;
  /** Free extra context (e.g. channel scores). Client ids / MACs in it are pseudonymised. */
  details?: Record<string, unknown>;
  /** Same key on an activity retry: the write happens once. */
  idempotencyKey: string;
}

// Identifiers follow the event contract (docs/event-contract.md).
const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed');
const label = z.string().min(1).max(64);

const auditEntrySchema: z.ZodType<AuditEntry> = z.strictObject({
  eventId: identifier(128),
  eventType: label,
  severity: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']),
  apId: identifier(64),
  actionType: label,
  configurationChanges: z.array(
    z.strictObject({ param: z.string().min(1).max(200), oldValue: z.unknown(), newValue: z.unknown() }),
  ),
  rollbackToken: z.string().min(1).max(256).nullable(),
  rollbackEligible: z.boolean(),
  manualRollbackEligible: z.boolean(),
  reason: z.string().max(10_000),
  confidence: z.number().min(0).max(1),
  executionStatus: label,
  degradationDetected: z.boolean(),
  autoRollbackTriggered: z.boolean(),
  operator: z.string().min(1).max(200).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  idempotencyKey: z.string().min(1).max(512),
}) as z.ZodType<AuditEntry>;

export class InvalidAuditEntryError extends Error {
  override name = 'InvalidAuditEntryError';
}

/** Validates an entry; the error names every bad field (e.g. `confidence: Too big: expected ...`). */
export function parseAuditEntry(input: unknown): AuditEntry {
  const result = auditEntrySchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`);
  throw new InvalidAuditEntryError(`invalid audit entry: ${problems.join('; ')}`);
}
