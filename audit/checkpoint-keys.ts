// Ed25519 keys that sign checkpoints and archive anchors. Asymmetric on purpose: an auditor verifies
// with public keys only, and whoever can write the database cannot forge a checkpoint.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { activeKeyId, AuditConfigError, decodeKeys, parseKeyList, readKeyFile } from './key-config';

export interface CheckpointKeys {
  /** Key id that signs new checkpoints and anchors; absent when only public keys are configured. */
  activeKeyId?: string;
  privateKeys: ReadonlyMap<string, KeyObject>;
  /** Every key id known for verification: the public halves of the private keys plus the listed ones. */
  publicKeys: ReadonlyMap<string, KeyObject>;
}

function asEd25519(make: () => KeyObject, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = make();
  } catch {
    throw new AuditConfigError(`${where}: not a DER key of the expected kind (PKCS#8 private, SPKI public)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditConfigError(`${where}: an Ed25519 key is required, got ${key.asymmetricKeyType}`);
  }
  return key;
}
const privateKey = (der: Buffer, where: string) =>
  asEd25519(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), where);
const publicKey = (der: Buffer, where: string) =>
  asEd25519(() => createPublicKey({ key: der, format: 'der', type: 'spki' }), where);

const fileSchema = z.strictObject({
  activeKeyId: z.string().min(1).optional(),
  keys: z.record(z.string(), z.string()).optional(),
  publicKeys: z.record(z.string(), z.string()).optional(),
});

function merge(privateKeys: ReadonlyMap<string, KeyObject>, listed: ReadonlyMap<string, KeyObject>) {
  const publicKeys = new Map(listed);
  for (const [id, key] of privateKeys) {
    const derived = createPublicKey(key);
    const given = publicKeys.get(id);
    if (given && !given.equals(derived)) {
      throw new AuditConfigError(
        `checkpoint key "${id}": the public key listed does not match the private key`,
      );
    }
    publicKeys.set(id, derived);
  }
  return publicKeys;
}

/**
 * Reads the checkpoint keys, or returns undefined when none is configured:
 * `RRM_AUDIT_CHECKPOINT_KEYS` (`keyId:base64-PKCS#8-DER,...`) with `RRM_AUDIT_CHECKPOINT_KEY_ID`
 * (optional with one key), or the JSON file `RRM_AUDIT_CHECKPOINT_KEYS_FILE`
 * (`{ activeKeyId, keys: { id: pkcs8 }, publicKeys: { id: spki } }`); plus, for verification of
 * retired or remote keys, `RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS` (`keyId:base64-SPKI-DER,...`).
 */
export function loadCheckpointKeys(env: NodeJS.ProcessEnv = process.env): CheckpointKeys | undefined {
  const file = env.RRM_AUDIT_CHECKPOINT_KEYS_FILE?.trim();
  const list = env.RRM_AUDIT_CHECKPOINT_KEYS?.trim();
  const publicList = env.RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS?.trim();
  if (file && list) {
    throw new AuditConfigError(
      'set either RRM_AUDIT_CHECKPOINT_KEYS or RRM_AUDIT_CHECKPOINT_KEYS_FILE, not both',
    );
  }
  let privateEntries: [string, string][] = [];
  let publicEntries: [string, string][] = [];
  let named = env.RRM_AUDIT_CHECKPOINT_KEY_ID;
  let variable = 'RRM_AUDIT_CHECKPOINT_KEYS';
  if (file) {
    variable = 'RRM_AUDIT_CHECKPOINT_KEYS_FILE';
    const content = readKeyFile(
      file,
      variable,
      fileSchema,
      '{ "activeKeyId", "keys": {}, "publicKeys": {} }',
    );
    privateEntries = Object.entries(content.keys ?? {});
    publicEntries = Object.entries(content.publicKeys ?? {});
    named = content.activeKeyId ?? named;
  } else if (list) {
    privateEntries = parseKeyList(list, variable);
  }
  if (publicList) publicEntries.push(...parseKeyList(publicList, 'RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS'));
  if (privateEntries.length === 0 && publicEntries.length === 0) return undefined;

  const privateKeys =
    privateEntries.length > 0 ? decodeKeys(privateEntries, variable, privateKey) : new Map();
  const publicVariable = file ? `${variable} publicKeys` : 'RRM_AUDIT_CHECKPOINT_PUBLIC_KEYS';
  const listed = publicEntries.length > 0 ? decodeKeys(publicEntries, publicVariable, publicKey) : new Map();
  const keyIdVariable = file ? `${variable} activeKeyId` : 'RRM_AUDIT_CHECKPOINT_KEY_ID';
  return {
    activeKeyId: privateKeys.size > 0 ? activeKeyId(privateKeys, named, keyIdVariable) : undefined,
    privateKeys,
    publicKeys: merge(privateKeys, listed),
  };
}

/** The key that signs, or a configuration error saying what to set. */
export function signingKey(keys: CheckpointKeys | undefined): { keyId: string; key: KeyObject } {
  const keyId = keys?.activeKeyId;
  if (!keys || !keyId) {
    throw new AuditConfigError(
      'no checkpoint signing key: set RRM_AUDIT_CHECKPOINT_KEYS (keyId:base64-pkcs8) or RRM_AUDIT_CHECKPOINT_KEYS_FILE',
    );
  }
  return { keyId, key: keys.privateKeys.get(keyId)! };
}
