// Policies for tests: the defaults with some fields overridden, validated like a policy file.
import type { Policy } from '../../domain/policy';
import { resolvePolicy } from '../../domain/policy-schema';

export function policyWith(overrides: unknown): Policy {
  const result = resolvePolicy(overrides);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.policy;
}

/**
 * Integration suites sample every 2 s instead of 30 s (a policy setting) to stay quick; the real
 * cadence and windows are covered in skipped time.
 */
export const fastSampling = (overrides: Record<string, unknown> = {}): Policy =>
  policyWith({ sampleIntervalMs: 2_000, ...overrides });
