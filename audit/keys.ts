// HMAC keys of the audit trail, from configuration. Rotation = add a key and switch the active id:
// old rows keep verifying with the key id they name.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  activeKeyId,
  AuditConfigError,
  decodeBase64,
  decodeKeys,
  parseKeyList,
  readKeyFile,
} from './key-config';

export { AuditConfigError } from './key-config';

export interface AuditKeys {
  /** Key id that signs new rows. */
  activeKeyId: string;
  /** Every key known for verification, by id. */
  keys: ReadonlyMap<string, Buffer>;
  /** Keys the pseudonyms of client ids / MACs. */
  pseudonymKey: Buffer;
}

const MIN_KEY_BYTES = 16;

function checkSecret(secret: Buffer, where: string): Buffer {
  if (secret.length < MIN_KEY_BYTES) {
    throw new AuditConfigError(
      `${where}: the secret must be at least ${MIN_KEY_BYTES} bytes (32 recommended)`,
    );
  }
  return secret;
}

const keysFileSchema = z.strictObject({
  activeKeyId: z.string().min(1),
  keys: z.record(z.string(), z.string()),
});

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
  if (file && list) {
    throw new AuditConfigError('set either RRM_AUDIT_HMAC_KEYS or RRM_AUDIT_HMAC_KEYS_FILE, not both');
  }
  let keys: Map<string, Buffer>;
  let active: string;
  if (file) {
    const variable = 'RRM_AUDIT_HMAC_KEYS_FILE';
    const content = readKeyFile(
      file,
      variable,
      keysFileSchema,
      '{ "activeKeyId": "...", "keys": { "id": "base64" } }',
    );
    keys = decodeKeys(Object.entries(content.keys), variable, checkSecret);
    active = activeKeyId(keys, content.activeKeyId, `${variable} activeKeyId`);
  } else if (list) {
    keys = decodeKeys(parseKeyList(list, 'RRM_AUDIT_HMAC_KEYS'), 'RRM_AUDIT_HMAC_KEYS', checkSecret);
    active = activeKeyId(keys, env.RRM_AUDIT_HMAC_KEY_ID, 'RRM_AUDIT_HMAC_KEY_ID');
  } else {
    throw new AuditConfigError(
      'RRM_AUDIT_HMAC_KEYS is not set: expected keyId:base64secret[,...] (or RRM_AUDIT_HMAC_KEYS_FILE)',
    );
  }
  const pseudonymText = env.RRM_AUDIT_PSEUDONYM_KEY?.trim();
  const pseudonymKey = pseudonymText
    ? checkSecret(decodeBase64(pseudonymText, 'RRM_AUDIT_PSEUDONYM_KEY'), 'RRM_AUDIT_PSEUDONYM_KEY')
    : // Derived rather than the HMAC key itself, so pseudonyms never reveal signing material.
      createHmac('sha256', keys.get(active)!).update('rrm-audit-pseudonym-key').digest();
  return { activeKeyId: active, keys, pseudonymKey };
}
