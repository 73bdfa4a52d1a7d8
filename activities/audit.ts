// The Temporal activities that write the audit trail (docs/audit-contract.md): validate, then sign and
// append through the worker's group-commit writer.
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import {
  AuditRecordUnstorableError,
  createAuditWriter,
  InvalidAuditEntryError,
  parseAuditEntry,
  type AuditEntry,
  type AuditKeys,
  type AuditReceipt,
} from '../audit';

export interface AuditActivities {
  recordAudit(entry: AuditEntry): Promise<AuditReceipt>;
  /** Several entries of one event, appended in their order (one batch when nothing else waits). */
  recordAudits(entries: AuditEntry[]): Promise<AuditReceipt[]>;
}

export function createAuditActivities(pool: Pool, keys: AuditKeys): AuditActivities {
  // One writer per worker: concurrent recordAudit activities are chained and committed in batches.
  const writer = createAuditWriter(pool, keys);
  return {
    async recordAudit(entry) {
      return writer.append(validated(entry)).catch(unstorableForGood);
    },
    async recordAudits(entries) {
      // All validated before any is appended: a bad entry writes none of them.
      const valid = entries.map(validated);
      // Queued in order, so their chain positions keep it.
      return Promise.all(valid.map((entry) => writer.append(entry))).catch(unstorableForGood);
    },
  };
}

/** A record the database refuses for its content fails the activity at once: a retry would too. */
function unstorableForGood(error: unknown): never {
  if (error instanceof AuditRecordUnstorableError) {
    throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
  }
  throw error;
}

function validated(entry: AuditEntry): AuditEntry {
  try {
    return parseAuditEntry(entry);
  } catch (error) {
    // A bad entry stays bad: fail the activity at once instead of retrying it.
    if (error instanceof InvalidAuditEntryError) {
      throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
    }
    throw error;
  }
}
