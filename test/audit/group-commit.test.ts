// The group-commit writer on the real PostgreSQL: concurrent appends share transactions, and the
// chain, idempotency and failure guarantees of appendAuditRecord hold per record.
import { Pool, type PoolClient } from 'pg';
import { appendAuditRecord, createAuditWriter, verifyAuditChain, type AuditEntry } from '../../audit';
import { createAuditActivities } from '../../activities/audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, resetChain, testKeys } from './helpers';

/** Stands in for the query that commits a batch: gets the client and that query, to run (or not). */
type CommitHook = (client: PoolClient, commit: () => Promise<unknown>) => Promise<unknown>;

/** Whether a query ends its transaction with a commit (the last round trip of a batch). */
const commits = (sql: unknown): boolean => typeof sql === 'string' && /\bCOMMIT\s*$/.test(sql);

describe('audit group commit', () => {
  let db: TestDatabase;
  const keys = testKeys();
  const pools: Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  beforeEach(() => resetChain(db.pool));
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });

  const newPool = (): Pool => {
    const pool = new Pool({ connectionString: db.url, max: 4 });
    pools.push(pool);
    return pool;
  };

  /** Rows and transactions (xmin) of the chain, and the most rows one transaction wrote. */
  async function written(): Promise<{ rows: number; transactions: number; largest: number }> {
    const { rows } = await db.pool.query(
      `SELECT coalesce(sum(n), 0)::int AS rows, count(*)::int AS transactions, coalesce(max(n), 0)::int AS largest
       FROM (SELECT count(*) AS n FROM audit_records GROUP BY xmin::text) AS batches`,
    );
    return rows[0];
  }

  const positions = (receipts: { chainPosition: number }[]) =>
    [...new Set(receipts.map((r) => r.chainPosition))].sort((a, b) => a - b);
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  /** A pool whose connections run `hook` in place of each committing query, and what they were released with. */
  function poolWithCommitHook(hook: CommitHook): { pool: Pool; released: unknown[] } {
    const pool = newPool();
    const released: unknown[] = [];
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    const queries = new WeakMap<PoolClient, PoolClient['query']>(); // the pool hands clients out again
    pool.connect = (async () => {
      const client = await connect();
      if (!queries.has(client)) queries.set(client, client.query.bind(client));
      const query = queries.get(client)! as (...args: unknown[]) => Promise<unknown>;
      client.query = ((...args: unknown[]) =>
        commits(args[0]) ? hook(client, () => query(...args)) : query(...args)) as PoolClient['query'];
      const release = client.release.bind(client);
      client.release = (error?: Error | boolean) => {
        released.push(error);
        release(error);
      };
      return client;
    }) as unknown as Pool['connect'];
    return { pool, released };
  }

  /** Terminates the client's server process, as a crash or a failover would, and waits until it is gone. */
  async function kill(client: PoolClient): Promise<void> {
    const pid = (client as unknown as { processID: number }).processID;
    await db.pool.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
  }

  it('chains concurrent appends into one gapless, verified chain, several records per transaction', async () => {
    const pool = newPool();
    const connect = jest.spyOn(pool, 'connect');
    const writer = createAuditWriter(pool, keys);
    // 8 writers that each wait for their receipt before the next append, as the bench's do.
    const receipts = (
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          const mine = [];
          for (let i = 0; i < 25; i += 1) mine.push(await writer.append(entry({ apId: `ap-${w}` })));
          return mine;
        }),
      )
    ).flat();
    await writer.close();

    expect(positions(receipts)).toEqual(oneTo(200));
    const { rows } = await db.pool.query(
      'SELECT audit_id, chain_position::int AS position FROM audit_records',
    );
    const stored = new Map(rows.map((r) => [r.position as number, r.audit_id as string]));
    for (const receipt of receipts) expect(stored.get(receipt.chainPosition)).toBe(receipt.auditId);
    const batches = await written();
    expect(batches.rows).toBe(200);
    expect(batches.transactions).toBeLessThanOrEqual(200 / 4);
    expect(batches.largest).toBeGreaterThan(1);
    // One connection, one transaction per batch.
    expect(connect).toHaveBeenCalledTimes(batches.transactions);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 200 });
  });

  it('group-commits the concurrent recordAudit activities of one worker', async () => {
    const audit = createAuditActivities(db.pool, keys);
    const receipts = await Promise.all(Array.from({ length: 20 }, () => audit.recordAudit(entry())));
    expect(positions(receipts)).toEqual(oneTo(20));
    await expect(written()).resolves.toEqual({ rows: 20, transactions: 1, largest: 20 });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 20 });
  });

  it('appends the entries of one recordAudits call in their order, in one transaction', async () => {
    const audit = createAuditActivities(db.pool, keys);
    const entries = Array.from({ length: 6 }, () => entry());
    const receipts = await audit.recordAudits(entries);
    expect(receipts.map((r) => r.chainPosition)).toEqual(oneTo(6));
    const { rows } = await db.pool.query('SELECT idempotency_key FROM audit_records ORDER BY chain_position');
    expect(rows.map((r) => r.idempotency_key)).toEqual(entries.map((e) => e.idempotencyKey));
    await expect(written()).resolves.toEqual({ rows: 6, transactions: 1, largest: 6 });
  });

  it('takes at most maxBatch entries per transaction', async () => {
    const writer = createAuditWriter(db.pool, keys, { maxBatch: 3 });
    const receipts = await Promise.all(Array.from({ length: 10 }, () => writer.append(entry())));
    expect(positions(receipts)).toEqual(oneTo(10));
    await expect(written()).resolves.toEqual({ rows: 10, transactions: 4, largest: 3 });
  });

  it('writes a key that comes twice in one batch once, and answers both with its first row', async () => {
    const writer = createAuditWriter(db.pool, keys);
    const first = entry({ reason: 'first' });
    const [a, other, again] = await Promise.all([
      writer.append(first),
      writer.append(entry()),
      writer.append({ ...first, reason: 'second' }),
    ]);
    expect(again).toEqual(a);
    expect(positions([a, other])).toEqual([1, 2]);
    const { rows } = await db.pool.query('SELECT reason FROM audit_records WHERE idempotency_key = $1', [
      first.idempotencyKey,
    ]);
    expect(rows).toEqual([{ reason: 'first' }]);
    await expect(written()).resolves.toEqual({ rows: 2, transactions: 1, largest: 2 });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 2 });
  });

  it('writes a key once across batches, retries and writers', async () => {
    const writer = createAuditWriter(db.pool, keys, { maxBatch: 2 });
    const [a, b] = [entry(), entry()];
    // Two batches: [a, b], then [a again, c]; the second finds a's row under the lock.
    const [first, , again, c] = await Promise.all([
      writer.append(a),
      writer.append(b),
      writer.append({ ...a, reason: 'a retry changes nothing' }),
      writer.append(entry()),
    ]);
    expect(again).toEqual(first);
    expect(c.chainPosition).toBe(3);
    await expect(written()).resolves.toMatchObject({ rows: 3, transactions: 2 });
    // A later retry, through the writer or the one-off API.
    await expect(writer.append(a)).resolves.toEqual(first);
    await expect(appendAuditRecord(db.pool, keys, a)).resolves.toEqual(first);

    // Two workers (separate pools and writers) racing with the same entries.
    const entries = Array.from({ length: 20 }, () => entry());
    const [x, y] = [createAuditWriter(newPool(), keys), createAuditWriter(newPool(), keys)];
    const [fromX, fromY] = await Promise.all([
      Promise.all(entries.map((e) => x.append(e))),
      Promise.all([...entries].reverse().map((e) => y.append(e))),
    ]);
    expect(fromY.reverse()).toEqual(fromX);
    expect(positions(fromX)).toEqual(oneTo(23).slice(3));
    const { rows } = await db.pool.query('SELECT reason FROM audit_records WHERE idempotency_key = $1', [
      a.idempotencyKey,
    ]);
    expect(rows).toEqual([{ reason: a.reason }]);
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 23 });
  });

  it('fails only the poison entries of a batch', async () => {
    const { pool } = poolWithCommitHook((_client, commit) => commit());
    const connect = jest.spyOn(pool, 'connect');
    const writer = createAuditWriter(pool, keys);
    const good = Array.from({ length: 8 }, () => entry());
    // Written unvalidated, as a writer bug would: one cannot be signed, one the database refuses.
    const unsignable = entry({ confidence: NaN });
    const refused = entry({ confidence: 2 });
    const results = await Promise.allSettled(
      [...good.slice(0, 4), unsignable, ...good.slice(4), refused].map((e) => writer.append(e)),
    );
    const outcome = results.map((r) => r.status);
    expect(outcome).toEqual([
      ...Array(4).fill('fulfilled'),
      'rejected',
      ...Array(4).fill('fulfilled'),
      'rejected',
    ]);
    expect(String((results[4] as PromiseRejectedResult).reason)).toMatch(/NaN/);
    expect(String((results[9] as PromiseRejectedResult).reason)).toMatch(
      /AuditRecordUnstorableError: .* \(SQLSTATE 23514\)/,
    );
    // The batch was tried once together, then each entry alone, and the refused one once more escaped.
    expect(connect).toHaveBeenCalledTimes(1 + 10 + 1);
    const receipts = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(positions(receipts)).toEqual(oneTo(8));
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 8 });
  });

  it('leaves nothing of a batch whose connection dies before its commit; a retry writes each entry once', async () => {
    const { pool, released } = poolWithCommitHook(async (client, commit) => {
      await kill(client);
      return commit();
    });
    const entries = Array.from({ length: 5 }, () => entry());
    const writer = createAuditWriter(pool, keys);
    const results = await Promise.allSettled(entries.map((e) => writer.append(e)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));

    // The batch and each entry alone were rolled back with their connection, which left the pool.
    await expect(written()).resolves.toEqual({ rows: 0, transactions: 0, largest: 0 });
    const { rows } = await db.pool.query('SELECT chain_position::int AS position FROM audit_chain_head');
    expect(rows).toEqual([{ position: 0 }]);
    expect(released).toHaveLength(1 + 5);
    for (const error of released) expect(error).toBeInstanceOf(Error);
    expect(pool.totalCount).toBe(0);

    const retry = createAuditWriter(db.pool, keys);
    const receipts = await Promise.all(entries.map((e) => retry.append(e)));
    expect(positions(receipts)).toEqual(oneTo(5));
    await expect(Promise.all(entries.map((e) => retry.append(e)))).resolves.toEqual(receipts);
    await expect(written()).resolves.toEqual({ rows: 5, transactions: 1, largest: 5 });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 5 });
  });

  it('appends a failed batch again one entry at a time, writing each once', async () => {
    let batches = 0;
    const { pool, released } = poolWithCommitHook(async (client, commit) => {
      if (batches++ === 0) await kill(client);
      return commit();
    });
    const writer = createAuditWriter(pool, keys);
    const receipts = await Promise.all(Array.from({ length: 5 }, () => writer.append(entry())));
    expect(batches).toBe(1 + 5);
    expect(positions(receipts)).toEqual(oneTo(5));
    await expect(written()).resolves.toEqual({ rows: 5, transactions: 5, largest: 1 });
    expect(released[0]).toBeInstanceOf(Error);
    expect(released.slice(1)).toEqual(Array(5).fill(undefined));
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 5 });
  });

  it('writes nothing twice when a batch committed but the answer was lost', async () => {
    let failures = 0;
    const { pool } = poolWithCommitHook(async (client, commit) => {
      const result = await commit();
      if (failures++ > 0) return result;
      await kill(client);
      throw new Error('connection lost before the answer to COMMIT');
    });
    const writer = createAuditWriter(pool, keys);
    const entries: AuditEntry[] = Array.from({ length: 5 }, () => entry());
    const receipts = await Promise.all(entries.map((e) => writer.append(e)));
    expect(positions(receipts)).toEqual(oneTo(5));
    // Each entry alone found the row its lost batch wrote.
    await expect(written()).resolves.toEqual({ rows: 5, transactions: 1, largest: 5 });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 5 });
  });

  it('writes what is waiting on close, then refuses new entries', async () => {
    const writer = createAuditWriter(db.pool, keys);
    const pending = Promise.all([writer.append(entry()), writer.append(entry())]);
    await writer.close();
    await expect(written()).resolves.toMatchObject({ rows: 2 });
    await expect(pending).resolves.toHaveLength(2);
    await expect(writer.append(entry())).rejects.toThrow(/closed/);
  });
});
