// Validation of an operator's policy file (zod): the shape of the policy table of docs/policy.md and
// its overlay on the defaults. Apart from policy.ts, which workflow code imports: workflows
// re-evaluate their imports per execution and need no schemas.
import { z } from 'zod';
import { ALL_EVENT_TYPES, SEVERITIES, type EventType } from './event-types';
import { DEFAULT_POLICY } from './policy';
import { REGULATORY_DOMAINS, OBSS_PD_MAX_DBM, OBSS_PD_MIN_DBM } from './regulatory';
import { NON_OCCUPANCY_PERIOD_MS } from './dfs';
import { RollbackThresholdsSchema } from './rollback-thresholds-schema';

const EventPolicySchema = z.strictObject({
  severity: z.enum(SEVERITIES),
  /** Events below this confidence end REJECTED. */
  minConfidence: z.number().min(0).max(1),
  /** How long the network is watched after a change; 0 = not monitored. */
  monitorWindowMs: z.number().int().min(0),
  /** Whether degradation in the window rolls the change back automatically. */
  autoRollback: z.boolean(),
  /** Whether the per-AP cooldown is skipped for this type. */
  bypassesCooldown: z.boolean(),
  /** An event older than this when its turn comes ends STALE. */
  ttlMs: z.number().int().positive(),
  /** How long the rollback token of an applied change stays usable. */
  rollbackTokenTtlMs: z.number().int().min(0),
});
export type EventPolicy = z.infer<typeof EventPolicySchema>;

export const PolicySchema = z.strictObject({
  regulatoryDomain: z.enum(REGULATORY_DOMAINS),
  /** Minimum time between two actions on one AP (types that bypass it excepted). */
  cooldownMs: z.number().int().min(0),
  /** Non-Occupancy Period after radar. Regulation fixes it at 30 min; kept here to be visible, not to be shortened. */
  nonOccupancyPeriodMs: z.number().int().min(NON_OCCUPANCY_PERIOD_MS),
  radar: z.strictObject({
    /**
     * A radar detection closes the bonded channel for the AP's RF neighbours too (the APs the
     * controller lists as its neighbours), for the same Non-Occupancy Period.
     */
    closeForNeighbours: z.boolean(),
  }),
  /** How often the monitor samples the radio's metrics. */
  sampleIntervalMs: z.number().int().min(1_000),
  rollbackThresholds: RollbackThresholdsSchema,
  interference: z.strictObject({
    /** At or above this confidence the radio changes channel; below it, OBSS-PD is raised. */
    channelChangeMinConfidence: z.number().min(0).max(1),
    obssPdStepDb: z.number().positive().max(20),
    obssPdCapDbm: z.number().min(OBSS_PD_MIN_DBM).max(OBSS_PD_MAX_DBM),
  }),
  qoe: z.strictObject({
    /** A client below this QoE is poor. */
    poorQoe: z.number().min(0).max(1),
    /** More than this share of poor clients points at the channel: change it; otherwise steer. */
    channelChangeShare: z.number().min(0).max(1),
    minCandidateRssiDbm: z.number().min(-100).max(-30),
    maxClientsPerAction: z.number().int().positive(),
  }),
  density: z.strictObject({
    /** Extra associations allowed above the count at the time of the cap. */
    capHeadroom: z.number().int().min(0),
    /** The spike is over (cap lifted) once associations fall below this rate. */
    spikeEndsBelowAssociationsPerMin: z.number().min(0),
  }),
  failover: z.strictObject({
    txPowerRaiseDb: z.number().positive().max(10),
    /** Neighbours never go above this, nor above the OBSS-PD 1:1 cap. */
    maxTxPowerDbm: z.number().min(0).max(30),
  }),
  power: z.strictObject({
    /** Estimated PoE watts saved per dB of TX power. */
    wattsPerTxDb: z.number().positive(),
    minTxPowerDbm: z.number().min(0).max(30),
  }),
  load: z.strictObject({
    minCandidateRssiDbm: z.number().min(-100).max(-30),
    maxClientsPerAction: z.number().int().positive(),
  }),
  /** Events waiting for one radio of an AP beyond this: the lowest in priority order is dropped (audited). */
  maxQueuePerAp: z.number().int().positive(),
  coordinator: z.strictObject({
    /** An AP coordinator with nothing queued, held, watched or closed ends after this long. */
    idleTimeoutMs: z.number().int().positive(),
    /** A radio's turn is leased for this long; then the coordinator checks that its holder still runs. */
    leaseMs: z.number().int().min(1_000),
    /** It continues as new past this many history events, carrying its state. */
    continueAsNewAfterEvents: z.number().int().min(100),
  }),
  /** A burst's joint re-plan (docs/coordination.md, "Joint re-plan of a burst"). */
  jointReplan: z.strictObject({
    enabled: z.boolean(),
    /** The burst is planned once no radio of it has changed channel for this long. */
    quietMs: z.number().int().min(1_000),
    /** Radios of one RF neighbourhood that changed channel in the burst before it is re-planned. */
    minRadios: z.number().int().min(2),
    /** The least fall of the plan's cost (a channel score is 0..1) a move must bring to be made. */
    minImprovement: z.number().min(0).max(1),
    /**
     * The least fall of a radio's non-Wi-Fi interference, as a share of its airtime (0.2: 20 points
     * of duty cycle), that makes a move worth it when the radio's co-channel pairs do not fall.
     */
    minInterferenceGain: z
      .number()
      .gt(0, 'must be above 0: a share of airtime (0.2 = 20 points of non-Wi-Fi duty cycle)')
      .max(1, 'must be at most 1: a share of airtime (0.2 = 20 points of non-Wi-Fi duty cycle)'),
  }),
  /** Channels chosen by moves in flight, seen by the neighbours (docs/coordination.md, "Reservations"). */
  channelReservations: z.strictObject({
    enabled: z.boolean(),
    /**
     * How long a move waits for the reservation's answer before it goes ahead without seeing its
     * neighbours' choices (the reservation is still booked when it lands).
     */
    answerWithinMs: z.number().int().min(0).max(2_000),
    /**
     * The same for a CRITICAL move (radar: the Channel Move Time runs). 0: it never waits; it chooses
     * blind (drawing among the equally best channels) and books that without waiting.
     */
    criticalAnswerWithinMs: z.number().int().min(0).max(2_000),
    /** A reservation lapses after this long if its event never says how its move ended. */
    ttlMs: z.number().int().min(1_000),
  }),
  events: z.strictObject(
    Object.fromEntries(ALL_EVENT_TYPES.map((t) => [t, EventPolicySchema])) as Record<
      EventType,
      typeof EventPolicySchema
    >,
  ),
});
export type Policy = z.infer<typeof PolicySchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeOver(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = mergeOver(base[k], v);
  return out;
}

export type PolicyValidation = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/** Overlays an operator's (partial) policy document on the defaults and validates the result. */
export function resolvePolicy(overrides: DeepPartial<Policy> | unknown): PolicyValidation {
  const parsed = PolicySchema.safeParse(mergeOver(DEFAULT_POLICY, overrides ?? {}));
  if (parsed.success) return { ok: true, policy: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(policy)'}: ${i.message}`),
  };
}
