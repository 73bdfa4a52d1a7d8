// Group commit: entries appended while a batch is being written wait, and go together as the next
// batch, chained and signed in one transaction under one chain-head lock. The lock and the round
// trips are paid per batch instead of per record, so concurrent writers of one process stop queueing
// on the lock one by one.
import type { Pool } from 'pg';
import { toContent, type AuditContent } from './content';
import type { AuditEntry } from './entry';
import type { AuditKeys } from './keys';
import { AuditRecordUnstorableError, contentRefusal, escapedContent } from './storable';
import { appendBatch, type AuditReceipt } from './store';

export interface AuditWriter {
  /**
   * Appends the entry with whatever else is waiting, and resolves once its batch has committed:
   * appendAuditRecord's contract (one row per idempotency key; the existing row's receipt for a key
   * already written or already waiting). The entry must already be validated (see parseAuditEntry).
   */
  append(entry: AuditEntry): Promise<AuditReceipt>;
  /** Writes what is waiting, then refuses new entries. */
  close(): Promise<void>;
}

export interface AuditWriterOptions {
  /** The most entries one batch (one transaction) takes; the others wait for the next. */
  maxBatch?: number;
}

interface Waiting {
  content: AuditContent;
  resolve(receipt: AuditReceipt): void;
  reject(error: unknown): void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The waiting entries, grouped by idempotency key in the order each key came first. */
function byKey(batch: readonly Waiting[]): Waiting[][] {
  const groups = new Map<string, Waiting[]>();
  for (const waiting of batch) {
    const key = waiting.content.idempotency_key;
    const group = groups.get(key);
    if (group) group.push(waiting);
    else groups.set(key, [waiting]);
  }
  return [...groups.values()];
}

/**
 * Appends one key's entries (its first one is written) and answers each of them. A content the
 * database refuses is written once more escaped (storable.ts); refused again, it fails for good
 * (AuditRecordUnstorableError), never to be retried.
 */
async function appendOne(pool: Pool, keys: AuditKeys, same: readonly Waiting[]): Promise<void> {
  const { content } = same[0];
  const append = async (c: AuditContent) => (await appendBatch(pool, keys, [c]))[0];
  try {
    let receipt: AuditReceipt;
    try {
      receipt = await append(content);
    } catch (error) {
      const sqlstate = contentRefusal(error);
      if (!sqlstate) throw error;
      receipt = await append(escapedContent(content, sqlstate)).catch((again: unknown) => {
        const refused = contentRefusal(again);
        throw refused ? new AuditRecordUnstorableError(content.idempotency_key, refused) : again;
      });
    }
    for (const waiting of same) waiting.resolve(receipt);
  } catch (error) {
    for (const waiting of same) waiting.reject(error);
  }
}

/**
 * Writes a batch and answers every entry of it. When the batch fails (nothing of it is written),
 * its keys are appended again one at a time, so that one bad entry fails alone; a key written by
 * the failed attempt after all (its commit's answer lost) is found and not written twice.
 */
async function writeBatch(pool: Pool, keys: AuditKeys, batch: readonly Waiting[]): Promise<void> {
  const groups = byKey(batch);
  if (groups.length === 1) return appendOne(pool, keys, groups[0]);
  try {
    const receipts = await appendBatch(
      pool,
      keys,
      batch.map((waiting) => waiting.content),
    );
    batch.forEach((waiting, i) => waiting.resolve(receipts[i]));
  } catch {
    for (const same of groups) await appendOne(pool, keys, same);
  }
}

/**
 * A writer that group-commits concurrent appends: one batch in flight at a time, up to `maxBatch`
 * entries each. Create one per process (per worker) over its pool, so that all its writers share it.
 */
export function createAuditWriter(
  pool: Pool,
  keys: AuditKeys,
  { maxBatch = 500 }: AuditWriterOptions = {},
): AuditWriter {
  const waiting: Waiting[] = [];
  let writing: Promise<void> | undefined;
  let closed = false;

  async function writeWaiting(): Promise<void> {
    try {
      do {
        // One turn of the event loop first: the callers woken by the last batch's receipts, or a
        // burst of activities started together, join this batch instead of waiting for the next.
        await nextTurn();
        await writeBatch(pool, keys, waiting.splice(0, maxBatch));
      } while (waiting.length > 0);
    } finally {
      writing = undefined;
    }
  }

  return {
    append(entry) {
      if (closed) return Promise.reject(new Error('the audit writer is closed'));
      let content: AuditContent;
      try {
        // Fails here, alone, on what JSON cannot carry (BigInt, cycles).
        content = toContent(entry, keys.pseudonymKey);
      } catch (error) {
        return Promise.reject(error);
      }
      const receipt = new Promise<AuditReceipt>((resolve, reject) =>
        waiting.push({ content, resolve, reject }),
      );
      writing ??= writeWaiting();
      return receipt;
    },
    async close() {
      closed = true;
      await writing;
    },
  };
}
