// Loads the operator's policy file (JSON, any subset of the policy) over the defaults.
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, type Policy } from '../domain/policy';
import { resolvePolicy } from '../domain/policy-schema';

export function loadPolicy(file?: string): Policy {
  if (!file) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`policy file ${file}: ${(err as Error).message}`);
  }
  const result = resolvePolicy(raw);
  if (!result.ok) throw new Error(`policy file ${file} is invalid: ${result.errors.join('; ')}`);
  return result.policy;
}
