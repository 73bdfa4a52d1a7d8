import { pseudonymiseClientId, verifyAuditChain } from '../../audit';
import { createAuditActivities } from '../../activities/audit';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { entry, testKeys } from './helpers';

const key = Buffer.alloc(32, 9);

describe('pseudonymiseClientId', () => {
  it('is a stable keyed hash with an h: prefix', () => {
    const pseudonym = pseudonymiseClientId('client-42', key);
    expect(pseudonym).toMatch(/^h:[0-9a-f]{32}$/);
    expect(pseudonymiseClientId('client-42', key)).toBe(pseudonym);
    expect(pseudonymiseClientId('client-43', key)).not.toBe(pseudonym);
    expect(pseudonymiseClientId('client-42', Buffer.alloc(32, 8))).not.toBe(pseudonym);
  });

  it('gives one pseudonym per MAC whatever its spelling', () => {
    const expected = pseudonymiseClientId('aa:bb:cc:dd:ee:ff', key);
    for (const spelling of [
      'AA:BB:CC:DD:EE:FF',
      'aa-bb-cc-dd-ee-ff',
      'aabb.ccdd.eeff',
      ' aa:bb:cc:dd:ee:ff ',
    ]) {
      expect(pseudonymiseClientId(spelling, key)).toBe(expected);
    }
  });

  it('leaves a pseudonym as it is', () => {
    const pseudonym = pseudonymiseClientId('client-42', key);
    expect(pseudonymiseClientId(pseudonym, key)).toBe(pseudonym);
  });
});

describe('the audit table holds no client id or MAC in the clear', () => {
  let db: TestDatabase;
  const keys = testKeys();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('pseudonymises client ids and MACs wherever they appear', async () => {
    const audit = createAuditActivities(db.pool, keys);
    await audit.recordAudit(
      entry({
        eventType: 'QOE_DEGRADATION',
        actionType: 'BSS_TRANSITION',
        reason: 'steered 02:00:00:00:00:05 (QoE 0.2) to ap-2',
        configurationChanges: [
          { param: 'steer.clientMac', oldValue: '02-00-00-00-00-03', newValue: null },
          // A steering move names its client in the parameter, whether or not the id is a MAC.
          { param: 'client.dave-watch.ap', oldValue: 'ap-1', newValue: 'ap-2' },
          { param: 'client.0200.0000.0008.ap', oldValue: 'ap-1', newValue: 'ap-2' },
          { param: 'acl', oldValue: { macs: ['02:00:00:00:00:04'] }, newValue: { clientIds: [] } },
          {
            param: 'bss_transition',
            oldValue: null,
            newValue: { target: 'ap-2', note: '0200.0000.0006 moved' },
          },
        ],
        details: {
          clients: [
            { clientId: 'alice-laptop', qoe: 0.2 },
            { client_id: 'bob-phone', qoe: 0.9 },
          ],
          clientIds: ['carol-tablet', 1234567],
          mac: '02:00:00:00:00:01',
          nested: { deeper: [{ 'client-mac': '02:00:00:00:00:02' }] },
          '02:00:00:00:00:07': 'a MAC as a key',
        },
      }),
    );
    await audit.recordAudit(
      entry({
        reason: 'same client, other spelling',
        details: { mac: '02-00-00-00-00-01', clientId: 'alice-laptop' },
      }),
    );

    const { rows } = await db.pool.query<{ text: string }>(
      "SELECT string_agg(t::text, E'\\n') AS text FROM audit_records t",
    );
    const text = rows[0].text.toLowerCase();
    const raw = ['alice-laptop', 'bob-phone', 'carol-tablet', '1234567', 'alice', 'dave-watch'];
    for (const id of raw) expect(text).not.toContain(id);
    // Every MAC spelling: none of 02:00:00:00:00:0N, 02-00-…, 0200.0000.000N, 02000000000N survive.
    const flat = text.replace(/[:.-]/g, '');
    for (let n = 1; n <= 8; n += 1) expect(flat).not.toContain(`02000000000${n}`);

    // Still useful: one client keeps one pseudonym across records and spellings.
    const alice = pseudonymiseClientId('alice-laptop', keys.pseudonymKey);
    const mac1 = pseudonymiseClientId('02:00:00:00:00:01', keys.pseudonymKey);
    const { rows: details } = await db.pool.query(
      'SELECT details FROM audit_records ORDER BY chain_position',
    );
    expect(details[0].details.clients[0]).toEqual({ clientId: alice, qoe: 0.2 });
    expect(details[0].details.mac).toBe(mac1);
    expect(details[1].details).toEqual({ mac: mac1, clientId: alice });
    const { rows: changes } = await db.pool.query(
      'SELECT configuration_changes FROM audit_records ORDER BY chain_position LIMIT 1',
    );
    expect(changes[0].configuration_changes[1]).toMatchObject({
      param: `client.${pseudonymiseClientId('dave-watch', keys.pseudonymKey)}.ap`,
      new_value: 'ap-2',
    });
    await expect(verifyAuditChain(db.pool, keys)).resolves.toMatchObject({ ok: true, checked: 2 });
  });
});
