// HMAC keys of the audit trail, from configuration. Rotation = add a key and switch the active id:
// old rows keep verifying with the key id they name.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface AuditKeys {
  /** Key id that signs new rows. */
  activeKeyId: string;
  /** Every key known for verification, by id. */
  keys: ReadonlyMap<string, Buffer>;
  /** Keys the pseudonyms of client ids / MACs. */
  pseudonymKey: Buffer;
}

export class AuditConfigError extends Error {
  override name = 'AuditConfigError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MIN_KEY_BYTES = 16;

// Messages name the variable and the key id, never the secret.
function decodeSecret(value: string, where: string): Buffer {
  const text = value.trim();
  if (!BASE64.test(text)) throw new AuditConfigError(`${where}: the secret is not base64`);
  const secret = Buffer.from(text, 'base64');
  if (secret.length < MIN_KEY_BYTES) {
    throw new AuditConfigError(
      `${where}: the secret must be at least ${MIN_KEY_BYTES} bytes (32 recommended)`,
    );
  }
  return secret;
}

function checkKeyId(id: string, where: string): void {
  if (!KEY_ID.test(id)) throw new AuditConfigError(`${where}: key id "${id}" must match ${KEY_ID.source}`);
}

function parseKeyList(text: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0)
    throw new AuditConfigError('RRM_AUDIT_HMAC_KEYS is empty: expected keyId:base64secret[,...]');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new AuditConfigError(`RRM_AUDIT_HMAC_KEYS: entry ${index + 1} must look like keyId:base64secret`);
    }
    const id = entry.slice(0, colon).trim();
    checkKeyId(id, 'RRM_AUDIT_HMAC_KEYS');
    if (keys.has(id)) throw new AuditConfigError(`RRM_AUDIT_HMAC_KEYS: key id "${id}" appears twice`);
    keys.set(id, decodeSecret(entry.slice(colon + 1), `RRM_AUDIT_HMAC_KEYS (key "${id}")`));
  });
  return keys;
}

const keysFileSchema = z.strictObject({
  activeKeyId: z.string().min(1),
  keys: z.record(z.string(), z.string()),
});

function readKeysFile(file: string): { activeKeyId: string; keys: Map<string, Buffer> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AuditConfigError(`RRM_AUDIT_HMAC_KEYS_FILE (${file}): cannot read it as JSON: ${why}`);
  }
  const result = keysFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ');
    throw new AuditConfigError(
      `RRM_AUDIT_HMAC_KEYS_FILE (${file}): expected { "activeKeyId": "...", "keys": { "id": "base64" } }: ${problems}`,
    );
  }
  const keys = new Map<string, Buffer>();
  for (const [id, secret] of Object.entries(result.data.keys)) {
    checkKeyId(id, 'RRM_AUDIT_HMAC_KEYS_FILE');
    keys.set(id, decodeSecret(secret, `RRM_AUDIT_HMAC_KEYS_FILE (key "${id}")`));
  }
  if (keys.size === 0) throw new AuditConfigError('RRM_AUDIT_HMAC_KEYS_FILE: "keys" is empty');
  return { activeKeyId: result.data.activeKeyId, keys };
}

/**
 * Reads the audit keys from `RRM_AUDIT_HMAC_KEYS` (`keyId:base64,...`) + `RRM_AUDIT_HMAC_KEY_ID`
 * (optional when there is a single key), or from the JSON file `RRM_AUDIT_HMAC_KEYS_FILE`
 * (`{ activeKeyId, keys: { id: base64 } }`). Pseudonyms use `RRM_AUDIT_PSEUDONYM_KEY` (base64); when
 * unset they use a key derived from the active HMAC key, which changes on rotation: set
 * `RRM_AUDIT_PSEUDONYM_KEY` to keep one client's pseudonym stable across rotations.
 */
export function loadAuditKeys(env: NodeJS.ProcessEnv = process.env): AuditKeys {
  const file = env.RRM_AUDIT_HMAC_KEYS_FILE?.trim();
  const list = env.RRM_AUDIT_HMAC_KEYS?.trim();
  let activeKeyId: string | undefined;
  let keys: Map<string, Buffer>;
  let activeVariable: string;
  if (file && list) {
    throw new AuditConfigError('set either RRM_AUDIT_HMAC_KEYS or RRM_AUDIT_HMAC_KEYS_FILE, not both');
  } else if (file) {
    ({ activeKeyId, keys } = readKeysFile(file));
    activeVariable = 'RRM_AUDIT_HMAC_KEYS_FILE activeKeyId';
  } else if (list) {
    keys = parseKeyList(list);
    activeKeyId = env.RRM_AUDIT_HMAC_KEY_ID?.trim() || undefined;
    activeVariable = 'RRM_AUDIT_HMAC_KEY_ID';
    if (!activeKeyId) {
      if (keys.size > 1) {
        throw new AuditConfigError(
          'RRM_AUDIT_HMAC_KEY_ID is not set: it must name one of RRM_AUDIT_HMAC_KEYS',
        );
      }
      activeKeyId = [...keys.keys()][0];
    }
  } else {
    throw new AuditConfigError(
      'RRM_AUDIT_HMAC_KEYS is not set: expected keyId:base64secret[,...] (or RRM_AUDIT_HMAC_KEYS_FILE)',
    );
  }
  const activeKey = keys.get(activeKeyId);
  if (!activeKey) {
    throw new AuditConfigError(`${activeVariable}: "${activeKeyId}" is not one of the configured key ids`);
  }
  const pseudonymText = env.RRM_AUDIT_PSEUDONYM_KEY?.trim();
  const pseudonymKey = pseudonymText
    ? decodeSecret(pseudonymText, 'RRM_AUDIT_PSEUDONYM_KEY')
    : // Derived rather than the HMAC key itself, so pseudonyms never reveal signing material.
      createHmac('sha256', activeKey).update('rrm-audit-pseudonym-key').digest();
  return { activeKeyId, keys, pseudonymKey };
}
