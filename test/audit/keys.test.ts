import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuditKeys, loadCheckpointKeys } from '../../audit';
import { CHECKPOINT_PAIR, KEY_A, KEY_B } from './helpers';

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

describe('a malformed key file', () => {
  const keysFile = (content: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rrm-keys-')), 'keys.json');
    writeFileSync(file, content);
    return file;
  };
  /** The error of loading `content` as the file of `variable`; it must quote no part of `secret`. */
  const refusal = (variable: string, content: string, secret: string) => {
    const file = keysFile(content);
    const load = variable.startsWith('RRM_AUDIT_HMAC') ? loadAuditKeys : loadCheckpointKeys;
    let message = '';
    try {
      load({ [variable]: file });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith(variable)).toBe(true);
    // No run of 4 characters of the secret (its padding aside) in the message.
    const core = secret.replace(/=+$/, '');
    for (let i = 0; i + 4 <= core.length; i++) expect(message).not.toContain(core.slice(i, i + 4));
    return message.replace(file, 'FILE');
  };

  it.each([
    [
      'a secret left unquoted',
      `{"activeKeyId": "a", "keys": {"a": ${KEY_A}}}`,
      /^\w+ \(FILE\) is not valid JSON$/,
    ],
    [
      'a file cut short',
      `{\n  "activeKeyId": "a",\n  "keys": {"a": "${KEY_A}`,
      /^\w+ \(FILE\) is not valid JSON \(line 3, column \d+\)$/,
    ],
    ['an empty file', '  \n', /^\w+ \(FILE\) is empty$/],
    [
      'a secret as a field name',
      JSON.stringify({ activeKeyId: 'a', keys: { a: KEY_B }, [KEY_A]: 1 }),
      /: file: 1 unexpected field\(s\)$/,
    ],
    [
      'a secret as a key id',
      JSON.stringify({ activeKeyId: 'a', keys: { [KEY_A]: 7 } }),
      /: an entry of keys: Invalid input: expected string, received number$/,
    ],
    [
      'a secret as a key id, with a secret',
      JSON.stringify({ activeKeyId: 'a', keys: { [KEY_A]: KEY_B } }),
      /: the key id of entry 1 must match/,
    ],
    [
      'a secret as the active key id',
      JSON.stringify({ activeKeyId: KEY_A, keys: { a: KEY_B } }),
      / activeKeyId: the id given is not one of the configured key ids$/,
    ],
  ])('%s is reported without quoting the file', (_label, content, problem) => {
    expect(refusal('RRM_AUDIT_HMAC_KEYS_FILE', content, KEY_A)).toMatch(problem);
  });

  it('a checkpoint key file too', () => {
    const secret = CHECKPOINT_PAIR.privateKey;
    expect(refusal('RRM_AUDIT_CHECKPOINT_KEYS_FILE', `{"keys": {"cp1": ${secret}}}`, secret)).toMatch(
      /^\w+ \(FILE\) is not valid JSON$/,
    );
    expect(refusal('RRM_AUDIT_CHECKPOINT_KEYS_FILE', `{"keys": {"cp1": "${secret}"`, secret)).toMatch(
      /^\w+ \(FILE\) is not valid JSON \(line 1, column \d+\)$/,
    );
  });
});
