// The Temporal activity that writes the audit trail (docs/audit-contract.md): validate, then sign and append.
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import {
  appendAuditRecord,
  InvalidAuditEntryError,
  parseAuditEntry,
  type AuditEntry,
  type AuditKeys,
  type AuditReceipt,
} from '../audit';

export interface AuditActivities {
  recordAudit(entry: AuditEntry): Promise<AuditReceipt>;
}

export function createAuditActivities(pool: Pool, keys: AuditKeys): AuditActivities {
  return {
    async recordAudit(entry: AuditEntry): Promise<AuditReceipt> {
      let valid: AuditEntry;
      try {
        valid = parseAuditEntry(entry);
      } catch (error) {
        // A bad entry stays bad: fail the activity at once instead of retrying it.
        if (error instanceof InvalidAuditEntryError) {
          throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
        }
        throw error;
      }
      return appendAuditRecord(pool, keys, valid);
    },
  };
}
