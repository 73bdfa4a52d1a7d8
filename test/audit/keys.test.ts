import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuditKeys } from '../../audit';
import { KEY_A, KEY_B } from './helpers';

describe('loadAuditKeys', () => {
  it('reads a key list and the active key id', () => {
    const keys = loadAuditKeys({
      RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A}, k2:${KEY_B}`,
      RRM_AUDIT_HMAC_KEY_ID: 'k2',
    });
    expect(keys.activeKeyId).toBe('k2');
    expect([...keys.keys.keys()]).toEqual(['k1', 'k2']);
    expect(keys.keys.get('k1')).toEqual(Buffer.alloc(32, 1));
    // No pseudonym key configured: one is derived, and it is not the signing key itself.
    expect(keys.pseudonymKey).toHaveLength(32);
    expect(keys.pseudonymKey.equals(keys.keys.get('k2')!)).toBe(false);
  });

  it('takes the only key as active when there is one', () => {
    expect(loadAuditKeys({ RRM_AUDIT_HMAC_KEYS: `solo:${KEY_A}` }).activeKeyId).toBe('solo');
  });

  it('reads a keys file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rrm-keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify({ activeKeyId: 'b', keys: { a: KEY_A, b: KEY_B } }));
    const keys = loadAuditKeys({ RRM_AUDIT_HMAC_KEYS_FILE: file, RRM_AUDIT_PSEUDONYM_KEY: KEY_A });
    expect(keys.activeKeyId).toBe('b');
    expect(keys.keys.get('b')).toEqual(Buffer.alloc(32, 2));
    expect(keys.pseudonymKey).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    ['nothing set', {}, /RRM_AUDIT_HMAC_KEYS is not set/],
    [
      'an entry without id',
      { RRM_AUDIT_HMAC_KEYS: 'nocolon' },
      /RRM_AUDIT_HMAC_KEYS: entry 1 must look like keyId:base64/,
    ],
    [
      'a secret not in base64',
      { RRM_AUDIT_HMAC_KEYS: 'k1:!!!' },
      /RRM_AUDIT_HMAC_KEYS \(key "k1"\): the secret is not base64/,
    ],
    ['a short secret', { RRM_AUDIT_HMAC_KEYS: 'k1:c2hvcnQ=' }, /at least 16 bytes/],
    ['a duplicate id', { RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A},k1:${KEY_B}` }, /key id "k1" appears twice/],
    [
      'two keys, no active id',
      { RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A},k2:${KEY_B}` },
      /RRM_AUDIT_HMAC_KEY_ID is not set/,
    ],
    [
      'an unknown active id',
      { RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A}`, RRM_AUDIT_HMAC_KEY_ID: 'k9' },
      /RRM_AUDIT_HMAC_KEY_ID: "k9" is not one/,
    ],
    [
      'a bad pseudonym key',
      { RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A}`, RRM_AUDIT_PSEUDONYM_KEY: '***' },
      /RRM_AUDIT_PSEUDONYM_KEY/,
    ],
    [
      'a missing keys file',
      { RRM_AUDIT_HMAC_KEYS_FILE: '/nonexistent/keys.json' },
      /RRM_AUDIT_HMAC_KEYS_FILE \(\/nonexistent\/keys.json\)/,
    ],
    [
      'both a list and a file',
      { RRM_AUDIT_HMAC_KEYS: `k1:${KEY_A}`, RRM_AUDIT_HMAC_KEYS_FILE: '/x' },
      /not both/,
    ],
  ])('rejects %s with a clear error', (_label, env, message) => {
    expect(() => loadAuditKeys(env)).toThrow(message);
  });

  it('rejects a malformed keys file, naming the variable', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rrm-keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: { a: KEY_A } }));
    expect(() => loadAuditKeys({ RRM_AUDIT_HMAC_KEYS_FILE: file })).toThrow(
      /RRM_AUDIT_HMAC_KEYS_FILE.*activeKeyId/,
    );
  });

  it('never puts a secret in an error message', () => {
    const secret = Buffer.alloc(8, 7).toString('base64');
    expect(() => loadAuditKeys({ RRM_AUDIT_HMAC_KEYS: `k1:${secret}` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});
