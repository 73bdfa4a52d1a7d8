import { ApplicationFailure } from '@temporalio/common';
import { Pool } from 'pg';
import { appendAuditRecord, GENESIS_HASH, verifyAuditChain, type AuditEntry } from '../../audit';
import { createAuditActivities } from '../../activities/audit';
import { entry, testKeys, useAuditStore } from './helpers';

describe('audit store', () => {
  const keys = testKeys();
  const store = useAuditStore(keys);

  it('round-trips a record and verifies it', async () => {
    const written = entry({ operator: 'alice', details: { scores: { '36': 0.91 }, note: 'first' } });
    const receipt = await store.audit.recordAudit(written);
    expect(receipt).toEqual({ auditId: expect.stringMatching(/^[0-9a-f-]{36}$/), chainPosition: 1 });

    const { rows } = await store.db.pool.query('SELECT * FROM audit_records');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      audit_id: receipt.auditId,
      chain_position: '1',
      event_id: written.eventId,
      event_type: 'DFS_RADAR',
      severity: 'CRITICAL',
      ap_id: 'ap-1',
      action_type: 'CHANNEL_CHANGE',
      configuration_changes: [{ param: 'radio.5g.channel', old_value: 52, new_value: 36 }],
      rollback_token: written.rollbackToken,
      rollback_eligible: false,
      manual_rollback_eligible: true,
      reason: written.reason,
      confidence: 1,
      execution_status: 'APPLIED',
      degradation_detected: false,
      auto_rollback_triggered: false,
      operator: 'alice',
      details: { scores: { '36': 0.91 }, note: 'first' },
      idempotency_key: written.idempotencyKey,
      key_id: 'k1',
      prev_hash: GENESIS_HASH,
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      row_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(rows[0].recorded_at).toBeInstanceOf(Date);
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 1 });
  });

  it('links each record to the previous one', async () => {
    const first = await store.audit.recordAudit(entry());
    const second = await store.audit.recordAudit(
      entry({ rollbackToken: null, operator: undefined, details: undefined }),
    );
    expect([first.chainPosition, second.chainPosition]).toEqual([1, 2]);
    const { rows } = await store.db.pool.query(
      'SELECT prev_hash, row_hash FROM audit_records ORDER BY chain_position',
    );
    expect(rows[1].prev_hash).toBe(rows[0].row_hash);
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 2 });
  });

  it('keeps values whose JSON form differs from their JS form verifiable', async () => {
    await store.audit.recordAudit(
      entry({
        confidence: 0.30000000000000004,
        configurationChanges: [
          { param: 'obss_pd', oldValue: undefined, newValue: { dbm: -79, at: new Date(0) } },
        ],
        details: {
          tiny: 1e-7,
          big: 1e21,
          skipped: undefined,
          unicode: 'é 😀 \u2028',
          nested: [{ z: 1, a: [null] }],
        },
        reason: 'quotes " and \\ backslashes',
      }),
    );
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 1 });
  });

  it('writes once when retried with the same idempotency key', async () => {
    const written = entry();
    const first = await store.audit.recordAudit(written);
    const retried = await store.audit.recordAudit({
      ...written,
      reason: 'a retry with other content changes nothing',
    });
    expect(retried).toEqual(first);
    const { rows } = await store.db.pool.query('SELECT reason FROM audit_records');
    expect(rows).toEqual([{ reason: written.reason }]);
  });

  it('writes once under concurrent duplicates', async () => {
    const written = entry();
    const receipts = await Promise.all(Array.from({ length: 20 }, () => store.audit.recordAudit(written)));
    expect(new Set(receipts.map((r) => r.auditId)).size).toBe(1);
    const { rows } = await store.db.pool.query('SELECT count(*)::int AS n FROM audit_records');
    expect(rows[0].n).toBe(1);
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 1 });
  });

  it('builds a gapless, fork-free chain from 50 concurrent writers', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry({ apId: `ap-${i % 5}` }));
    // Every entry twice, interleaved, as activity retries racing their first attempt would.
    const receipts = await Promise.all(
      [...entries, ...entries.reverse()].map((e) => store.audit.recordAudit(e)),
    );
    const positions = [...new Set(receipts.map((r) => r.chainPosition))].sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const { rows } = await store.db.pool.query(
      'SELECT count(*)::int AS n, count(DISTINCT prev_hash)::int AS parents FROM audit_records',
    );
    expect(rows[0]).toEqual({ n: 50, parents: 50 });
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 50 });
  });

  it('serialises writers of separate pools (separate worker processes) into one chain', async () => {
    const pools = Array.from({ length: 4 }, () => new Pool({ connectionString: store.db.url, max: 5 }));
    try {
      const writes = Array.from({ length: 80 }, (_, i) =>
        appendAuditRecord(pools[i % pools.length], keys, entry({ apId: `ap-${i % 7}` })),
      );
      const positions = (await Promise.all(writes)).map((r) => r.chainPosition).sort((a, b) => a - b);
      expect(positions).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 80 });
  });

  it('verifies across key rotation', async () => {
    await store.audit.recordAudit(entry());
    await createAuditActivities(store.db.pool, testKeys('k2')).recordAudit(entry());
    const { rows } = await store.db.pool.query('SELECT key_id FROM audit_records ORDER BY chain_position');
    expect(rows.map((r) => r.key_id)).toEqual(['k1', 'k2']);
    await expect(verifyAuditChain(store.db.pool, testKeys('k2'))).resolves.toMatchObject({
      ok: true,
      checked: 2,
    });
  });

  it('rejects an invalid entry without retries, naming each bad field', async () => {
    const bad = {
      ...entry(),
      confidence: 2,
      severity: 'URGENT',
      apId: '',
      extra: 1,
    } as unknown as AuditEntry;
    const failure = await store.audit.recordAudit(bad).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    const message = (failure as Error).message;
    for (const field of ['confidence', 'severity', 'apId', 'extra']) expect(message).toContain(field);
    const { rows } = await store.db.pool.query('SELECT count(*)::int AS n FROM audit_records');
    expect(rows[0].n).toBe(0);
  });
});
