// Ed25519-signed JSON statements: checkpoints (checkpoint.ts) and archive anchors (archive.ts). The
// signature covers the RFC 8785 canonical form of every field but `signature`.
import { sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { signingKey, type CheckpointKeys } from './checkpoint-keys';

export interface Signature {
  key_id: string;
  /** Ed25519, base64. */
  signature: string;
}

function signedBytes(statement: object): Buffer {
  const unsigned: Record<string, unknown> = { ...statement };
  delete unsigned.signature;
  return Buffer.from(canonicalize(unsigned) ?? '', 'utf8');
}

/** The statement with `key_id` (the active checkpoint key) and its signature. */
export function signStatement<T extends object>(
  statement: T,
  keys: CheckpointKeys | undefined,
): T & Signature {
  const { keyId, key } = signingKey(keys);
  const withKey = { ...statement, key_id: keyId };
  return { ...withKey, signature: sign(null, signedBytes(withKey), key).toString('base64') };
}

/** Why a statement is not genuine, or undefined when its signature verifies. */
export function statementProblem(
  statement: Partial<Signature> & object,
  keys: CheckpointKeys | undefined,
): 'unknown_key' | 'bad_signature' | undefined {
  const key = statement.key_id === undefined ? undefined : keys?.publicKeys.get(statement.key_id);
  if (!key) return 'unknown_key';
  const signature = Buffer.from(String(statement.signature ?? ''), 'base64');
  return verify(null, signedBytes(statement), key, signature) ? undefined : 'bad_signature';
}
