// Client MAC addresses and client ids never reach the audit table in the clear
// (docs/audit-contract.md): they are replaced by keyed hashes, stable for one key so an operator can still follow one client.
import { createHmac } from 'node:crypto';

const PSEUDONYM = /^h:[0-9a-f]{32}$/;
const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^(?:[0-9a-f]{4}\.){2}[0-9a-f]{4}$/i;
// MAC addresses inside free text (reasons, parameter names, values under other keys).
const MAC_IN_TEXT =
  /\b(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|(?:[0-9a-f]{4}\.){2}[0-9a-f]{4})\b/gi;
// Keys whose values are client identities, compared lower-case without `_`/`-`.
const CLIENT_KEYS = new Set([
  'clientid',
  'clientids',
  'clientmac',
  'clientmacs',
  'mac',
  'macs',
  'macaddress',
  'macaddresses',
  'stamac',
]);

const isClientKey = (key: string): boolean => CLIENT_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));

/**
 * Keyed hash of a client id or MAC: `h:` + the first 128 bits of HMAC-SHA256, hex. MACs are
 * normalised first (any of `AA-BB-…`, `aa:bb:…`, `aabb.ccdd.eeff` give one pseudonym). A value that is
 * already a pseudonym is returned unchanged, so pseudonymising twice is harmless.
 */
export function pseudonymiseClientId(id: string, key: Buffer): string {
  const text = id.trim();
  if (PSEUDONYM.test(text)) return text;
  const normalised = MAC.test(text)
    ? text
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '')
        .replace(/(..)(?!$)/g, '$1:')
    : text;
  return `h:${createHmac('sha256', key).update(normalised, 'utf8').digest('hex').slice(0, 32)}`;
}

/** Replaces every MAC address found in a text by its pseudonym. */
export function scrubText(text: string, key: Buffer): string {
  return text.replace(MAC_IN_TEXT, (mac) => pseudonymiseClientId(mac, key));
}

/**
 * Deep copy of a JSON-like value with client identities pseudonymised: every value under a client key
 * (`clientId`, `clientIds`, `mac`, `client_mac`, …, at any depth) and every MAC-looking text anywhere.
 * Client ids that are not MACs are only recognised under such keys.
 */
export function pseudonymiseValue(value: unknown, key: Buffer, underClientKey = false): unknown {
  if (typeof value === 'string')
    return underClientKey ? pseudonymiseClientId(value, key) : scrubText(value, key);
  if ((typeof value === 'number' || typeof value === 'bigint') && underClientKey) {
    return pseudonymiseClientId(String(value), key);
  }
  if (Array.isArray(value)) return value.map((item) => pseudonymiseValue(item, key, underClientKey));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        scrubText(k, key),
        pseudonymiseValue(v, key, underClientKey || isClientKey(k)),
      ]),
    );
  }
  return value;
}

// A parameter of one client, `client.<clientId>.<field>` (a steering move): the id is hashed, MAC or not.
const CLIENT_PARAM = /^client\.(.+)\.([^.]+)$/;

/**
 * A configuration change whose parameter names a client (e.g. `steer.clientMac`) has both values
 * hashed; a parameter of one client (`client.<clientId>.ap`) has the client id hashed.
 */
export function pseudonymiseChange<T extends { param: string; oldValue: unknown; newValue: unknown }>(
  change: T,
  key: Buffer,
): T {
  const clientParam = isClientKey(change.param.split(/[./]/).pop() ?? '');
  const param = change.param.replace(
    CLIENT_PARAM,
    (_, clientId: string, field: string) => `client.${pseudonymiseClientId(clientId, key)}.${field}`,
  );
  return {
    ...change,
    param: scrubText(param, key),
    oldValue: pseudonymiseValue(change.oldValue, key, clientParam),
    newValue: pseudonymiseValue(change.newValue, key, clientParam),
  };
}
