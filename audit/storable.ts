// What PostgreSQL cannot store, made storable before a row is signed, so that what is signed is what
// is stored and no record is refused for its text. `text` and `jsonb` hold no NUL, and `jsonb` no
// UTF-16 surrogate half without its pair: such characters become U+FFFD, and the row's
// `details.textReplaced` names the fields where that happened.
import { LONE_SURROGATE } from '../domain/safe-text';
import type { AuditContent } from './content';

const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');
export const REPLACEMENT_CHARACTER = '\uFFFD';

const storableText = (text: string): string => text.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER);

/**
 * A JSON value with every string and key passed through `text`; `changed` hears the path of each
 * one `text` changed (`.reason`, `.details.component`, a key by its new name).
 */
function mapText(
  value: unknown,
  text: (s: string) => string,
  changed: (path: string) => void = () => undefined,
  path = '',
): unknown {
  if (typeof value === 'string') {
    const mapped = text(value);
    if (mapped !== value) changed(path);
    return mapped;
  }
  if (Array.isArray(value)) return value.map((item, i) => mapText(item, text, changed, `${path}.${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const mappedKey = text(key);
        if (mappedKey !== key) changed(`${path}.${mappedKey}`);
        return [mappedKey, mapText(item, text, changed, `${path}.${mappedKey}`)];
      }),
    );
  }
  return value;
}

/** Whether any string or key in a JSON value holds a character PostgreSQL refuses (nothing copied). */
function hasUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(hasUnstorable);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => hasUnstorable(key) || hasUnstorable(item));
  }
  return false;
}

/**
 * The content as PostgreSQL can store it: the same object when nothing needs replacing (the common
 * case, checked without copying); otherwise a copy whose replaced fields `details.textReplaced` lists.
 */
export function storableContent(content: AuditContent): AuditContent {
  if (!hasUnstorable(content)) return content;
  const replaced: string[] = [];
  const storable = mapText(content, storableText, (path) => replaced.push(path.slice(1))) as AuditContent;
  return { ...storable, details: { ...storable.details, textReplaced: replaced } };
}

/**
 * A record PostgreSQL refused for what it holds (a data exception or a constraint), even written
 * with its text escaped: sending it again cannot help, so it is not retried.
 */
export class AuditRecordUnstorableError extends Error {
  override name = 'AuditRecordUnstorableError';
  constructor(
    readonly idempotencyKey: string,
    readonly sqlstate: string,
  ) {
    super(`PostgreSQL refused the audit record ${idempotencyKey} for its content (SQLSTATE ${sqlstate})`);
  }
}

/**
 * The SQLSTATE of a refusal of the data itself (class 22 data exception, 23 a constraint other than
 * the unique key that makes appends idempotent, 54 a program limit), or undefined: a refusal that
 * any retry would meet again, unlike a lost connection or a lock timeout.
 */
export function contentRefusal(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return ['22', '23', '54'].includes(code.slice(0, 2)) && code !== '23505' ? code : undefined;
}

/** Anything but printable ASCII (tab and newline kept) as `\uXXXX` text. */
const escapedText = (text: string): string =>
  text.replace(/[^\t\n\x20-\x7E]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The last resort for a record PostgreSQL refused (`sqlstate`): the same decision with every string
 * reduced to printable ASCII (the rest as `\uXXXX`), marked `details.storeRefused`, so the decision
 * is still signed rather than lost.
 */
export function escapedContent(content: AuditContent, sqlstate: string): AuditContent {
  const escaped = mapText(content, escapedText) as AuditContent;
  return { ...escaped, details: { ...escaped.details, storeRefused: sqlstate } };
}
