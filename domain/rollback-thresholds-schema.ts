// Validation of the rollback thresholds in a policy file (zod). Apart from rollback-rules.ts, which
// workflow code imports: workflows re-evaluate their imports per execution and need no schemas.
import { z } from 'zod';

const nonNegative = (what: string) =>
  z.number({ error: `must be a number (${what})` }).min(0, { error: `must be >= 0 (${what})` });
const fraction = (what: string) => nonNegative(what).max(1, { error: `must be <= 1 (${what})` });
const percent = (what: string) => nonNegative(what).max(100, { error: `must be <= 100 (${what})` });
const count = (what: string, min: number) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be an integer (${what})` })
    .min(min, { error: `must be >= ${min} (${what})` });
const increasePct = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })

    .positive({ error: `must be > 0 (${what})` });
// A drop of 100 % or more could never be observed: the rule would be dead.
const dropPct = (what: string) => increasePct(what).lt(100, { error: `must be < 100 (${what})` });

/** Validated shape of the thresholds in the policy file; unknown keys are rejected (likely typos). */
export const RollbackThresholdsSchema = z.strictObject(
  {
    perIncreasePct: increasePct('relative PER increase in %'),
    perNoiseFloor: fraction('absolute PER increase below which PER is noise'),
    retryIncreasePct: increasePct('relative retry-rate increase in %'),
    retryNoiseFloor: fraction('absolute retry-rate increase below which it is noise'),
    disconnectsPerMin: nonNegative('client disconnects per minute'),
    throughputDropPct: dropPct('relative throughput drop in %'),
    throughputNoiseFloorMbps: nonNegative('absolute throughput drop in Mbps below which it is noise'),
    qoeDropPct: dropPct('relative average QoE drop in %'),
    qoeNoiseFloor: fraction('absolute average QoE drop below which it is noise'),
    consecutiveSamples: count('consecutive degraded samples before rollback', 1),
    minClients: count('associated clients below which the radio carries no traffic', 0),
    minAirtimePct: percent("the radio's own airtime in % below which it carries no traffic"),
  },
  { error: 'must be an object of rollback thresholds' },
);

export type RollbackThresholds = z.infer<typeof RollbackThresholdsSchema>;

/**
 * Problems with a thresholds object, one message per bad field, each starting with the field name
 * (e.g. "perNoiseFloor: must be >= 0 (...)"); [] when valid.
 */
export function validateThresholds(t: unknown): string[] {
  const parsed = RollbackThresholdsSchema.safeParse(t);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown threshold`;
    return `${path || 'thresholds'}: ${issue.message}`;
  });
}
