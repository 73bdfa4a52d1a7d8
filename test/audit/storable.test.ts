// The audit store stores every string the contract accepts and every one it does not: what
// PostgreSQL's `text` and `jsonb` refuse (NUL, unpaired UTF-16 surrogates) is replaced before the row
// is signed, and marked. A record the database still refuses is written once more escaped, then
// fails for good (not retried forever). Real PostgreSQL, through the audit activity.
import fc from 'fast-check';
import { ApplicationFailure } from '@temporalio/common';
import { verifyAuditChain } from '../../audit';
import { entry, testKeys, useAuditStore } from './helpers';

/** What PostgreSQL makes of a string once the store made it storable. */
const stored = (text: string): string =>
  [...text]
    .map((c) => (c === '\u0000' || (c.length === 1 && c >= '\uD800' && c <= '\uDFFF') ? '\uFFFD' : c))
    .join('');

describe('audit store and hostile text', () => {
  const keys = testKeys();
  const store = useAuditStore(keys);

  const rowOf = async (key: string) =>
    (await store.db.pool.query('SELECT * FROM audit_records WHERE idempotency_key = $1', [key])).rows[0];

  it('stores a NUL in the reason, the operator and event data, marked as replaced, and verifies', async () => {
    const written = entry({
      reason: 'failover: component radio\u0000x',
      operator: 'eve\u0000',
      details: { component: 'radio\u0000x', ['k\u0000ey']: 1, list: ['\uD800'] },
      configurationChanges: [{ param: 'note', oldValue: null, newValue: 'a\u0000b' }],
    });
    await store.audit.recordAudit(written);
    const row = await rowOf(written.idempotencyKey);
    expect(row.reason).toBe('failover: component radio\uFFFDx');
    expect(row.operator).toBe('eve\uFFFD');
    expect(row.configuration_changes).toEqual([{ param: 'note', old_value: null, new_value: 'a\uFFFDb' }]);
    expect(row.details).toEqual({
      component: 'radio\uFFFDx',
      'k\uFFFDey': 1,
      list: ['\uFFFD'],
      textReplaced: [
        'configuration_changes.0.new_value',
        'reason',
        'operator',
        'details.component',
        'details.k\uFFFDey',
        'details.list.0',
      ],
    });
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 1 });
  });

  it('stores any Unicode in every free-text field and the chain verifies (property)', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        text,
        text,
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        async (reason, note, operator) => {
          const written = entry({ reason, operator, details: { note } });
          await store.audit.recordAudit(written);
          const row = await rowOf(written.idempotencyKey);
          expect(row.reason).toBe(stored(reason));
          expect(row.operator).toBe(stored(operator));
          expect(row.details.note).toBe(stored(note));
          runs++;
        },
      ),
      { numRuns: 60 },
    );
    await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: runs });
  });

  describe('when the database refuses a record for its content', () => {
    // A constraint stands in for whatever else the database may refuse (a data exception, a limit).
    const refuse = (check: string) =>
      store.db.pool.query(`ALTER TABLE audit_records ADD CONSTRAINT test_refusal CHECK (${check})`);
    afterEach(() => store.db.pool.query('ALTER TABLE audit_records DROP CONSTRAINT IF EXISTS test_refusal'));

    it('signs the decision once more with its text escaped to ASCII, and marks it', async () => {
      await refuse(`reason !~ '[^\\x01-\\x7e]'`);
      const written = entry({ reason: 'moved to 36 — café' });
      await store.audit.recordAudit(written);
      const row = await rowOf(written.idempotencyKey);
      expect(row.reason).toBe('moved to 36 \\u2014 caf\\u00e9');
      expect(row.details.storeRefused).toBe('23514');
      await expect(verifyAuditChain(store.db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 1 });
    });

    it('fails for good, named and not retryable, when even that is refused', async () => {
      await refuse(`reason !~ 'poison'`);
      const failure = await store.audit.recordAudit(entry({ reason: 'poison' })).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'AuditRecordUnstorableError', nonRetryable: true });
      expect((failure as Error).message).toMatch(/refused the audit record .* \(SQLSTATE 23514\)/);
      // The records around it are not held up.
      await expect(store.audit.recordAudit(entry())).resolves.toMatchObject({ chainPosition: 1 });
    });
  });
});
