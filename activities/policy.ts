// Hands the worker's validated policy to workflows. A local activity, so the policy a run acts on
// is recorded in its history and replays the same after the policy file changes.
import type { Policy } from '../domain/policy';

export interface PolicyActivities {
  currentPolicy(): Promise<Policy>;
}

export function createPolicyActivities(policy: Policy): PolicyActivities {
  return {
    async currentPolicy() {
      return policy;
    },
  };
}
