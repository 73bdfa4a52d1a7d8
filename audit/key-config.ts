// Parsing shared by the HMAC keys (keys.ts) and the Ed25519 checkpoint keys (checkpoint-keys.ts):
// `keyId:base64[,...]` lists, JSON key files, the active key id. Messages name the variable and the
// key id, never the secret; a malformed key file is described without quoting any of its text (a
// secret in the wrong place must not reach a log).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class AuditConfigError extends Error {
  override name = 'AuditConfigError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A key id that does not match is not quoted: it may be a secret put in its place. */
function checkKeyId(id: string, where: string, entry: number): void {
  if (!KEY_ID.test(id))
    throw new AuditConfigError(`${where}: the key id of entry ${entry} must match ${KEY_ID.source}`);
}

/** Base64 text to bytes; `where` names the variable and key in the error. */
export function decodeBase64(value: string, where: string): Buffer {
  const text = value.trim();
  if (!BASE64.test(text)) throw new AuditConfigError(`${where}: the secret is not base64`);
  return Buffer.from(text, 'base64');
}

/** Decodes every entry of an id → base64 map (a parsed list or a file's object). */
export function decodeKeys<T>(
  entries: Iterable<[string, string]>,
  variable: string,
  decode: (bytes: Buffer, where: string) => T,
): Map<string, T> {
  const keys = new Map<string, T>();
  for (const [id, text] of entries) {
    checkKeyId(id, variable, keys.size + 1);
    if (keys.has(id)) throw new AuditConfigError(`${variable}: key id "${id}" appears twice`);
    const where = `${variable} (key "${id}")`;
    keys.set(id, decode(decodeBase64(text, where), where));
  }
  if (keys.size === 0) throw new AuditConfigError(`${variable}: no key configured`);
  return keys;
}

/** `keyId:base64,keyId:base64` → [id, base64] pairs. */
export function parseKeyList(text: string, variable: string): [string, string][] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new AuditConfigError(`${variable} is empty: expected keyId:base64[,...]`);
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new AuditConfigError(`${variable}: entry ${index + 1} must look like keyId:base64`);
    return [entry.slice(0, colon).trim(), entry.slice(colon + 1)];
  });
}

/**
 * Reads a JSON key file and validates it; `expected` describes its shape in the error. The schema is
 * an object whose fields are named by the schema: only those names appear in an error.
 */
export function readKeyFile<T>(file: string, variable: string, schema: z.ZodType<T>, expected: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AuditConfigError(`${variable} (${file}): cannot read it: ${why}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AuditConfigError(`${variable} (${file}) ${jsonProblem(text, error)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue).join('; ');
    throw new AuditConfigError(`${variable} (${file}): expected ${expected}: ${problems}`);
  }
  return result.data;
}

/**
 * Why `text` is not JSON, with the line and column when JSON.parse gives a position. Its own message
 * is not used: it quotes the text around the error.
 */
function jsonProblem(text: string, error: unknown): string {
  if (text.trim() === '') return 'is empty';
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!position) return 'is not valid JSON';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `is not valid JSON (line ${line}, column ${column})`;
}

/**
 * A schema problem without the file's own words: the field (a schema name) and what is wrong. Below
 * the top level the path is a key id, and unrecognized fields are named by the file: neither is quoted.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [field] = issue.path;
  const where =
    field === undefined ? 'file' : issue.path.length === 1 ? String(field) : `an entry of ${String(field)}`;
  const what =
    issue.code === 'unrecognized_keys' ? `${issue.keys.length} unexpected field(s)` : issue.message;
  return `${where}: ${what}`;
}

/** The active key id: the one named, or the only key; it must be configured. */
export function activeKeyId(keys: ReadonlyMap<string, unknown>, named: string | undefined, variable: string) {
  const id = named?.trim() || (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (!id) throw new AuditConfigError(`${variable} is not set: it must name one of the configured key ids`);
  if (!keys.has(id)) {
    // Quoted only when it looks like a key id: it may be a secret put in its place.
    const quoted = KEY_ID.test(id) ? `"${id}"` : 'the id given';
    throw new AuditConfigError(`${variable}: ${quoted} is not one of the configured key ids`);
  }
  return id;
}
