// Free text the loop accepts from outside (event data, operator names and reasons): printable text
// only. A NUL cannot be stored by PostgreSQL's `text` or `jsonb`, and control characters or broken
// UTF-16 in an audit reason hide what an operator reads; refused at the contract, with the field named.
import { z } from 'zod';

/** A UTF-16 surrogate half without its pair: no character at all (the audit store replaces it too). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C0 controls but tab and newline, and lone surrogates. */
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F]|${LONE_SURROGATE.source}`);

/** Why `text` is refused (the first offending character and where), or undefined when it is safe. */
export function unsafeTextProblem(text: string): string | undefined {
  const found = UNSAFE.exec(text);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0);
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = code >= 0xd800 ? 'an unpaired UTF-16 surrogate' : 'a control character';
  return `must not contain ${what} (${name} at position ${found.index})`;
}

/**
 * A string of `min`–`max` characters without control characters (tab and newline excepted);
 * `trim` strips surrounding white space first.
 */
export const safeText = ({ min = 1, max, trim = false }: { min?: number; max: number; trim?: boolean }) =>
  (trim ? z.string().trim() : z.string())
    .min(min)
    .max(max)
    .superRefine((text, ctx) => {
      const problem = unsafeTextProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
