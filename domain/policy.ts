// The policy table of docs/policy.md: its defaults, as data. An operator's policy file overrides any
// part of it and is validated field by field (policy-schema.ts) before a worker starts.
import type { EventType, Severity } from './event-types';
import type { EventPolicy, Policy } from './policy-schema';
import { OBSS_PD_MAX_DBM } from './regulatory';
import { NON_OCCUPANCY_PERIOD_MS } from './dfs';
import { DEFAULT_MONITOR_SAMPLE_INTERVAL_MS, DEFAULT_ROLLBACK_THRESHOLDS } from './rollback-rules';

export type { EventPolicy, Policy };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const row = (p: EventPolicy): EventPolicy => p;

export const DEFAULT_EVENT_POLICIES: Record<EventType, EventPolicy> = {
  DFS_RADAR: row({
    severity: 'CRITICAL',
    minConfidence: 0,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: false,
    bypassesCooldown: true,
    ttlMs: NON_OCCUPANCY_PERIOD_MS,
    rollbackTokenTtlMs: HOUR,
  }),
  NON_WIFI_BURST: row({
    severity: 'HIGH',
    minConfidence: 0.5,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: true,
    bypassesCooldown: false,
    ttlMs: 5 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  SPECTRUM_SAT: row({
    severity: 'HIGH',
    minConfidence: 0.5,
    monitorWindowMs: 10 * MINUTE,
    autoRollback: true,
    bypassesCooldown: false,
    ttlMs: 10 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  QOE_DEGRADATION: row({
    severity: 'MEDIUM',
    minConfidence: 0.5,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: true,
    bypassesCooldown: false,
    ttlMs: 10 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  DENSITY_SPIKE: row({
    severity: 'MEDIUM',
    minConfidence: 0.5,
    monitorWindowMs: 30 * MINUTE,
    autoRollback: true,
    bypassesCooldown: false,
    ttlMs: 5 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  HW_FAILURE: row({
    severity: 'CRITICAL',
    minConfidence: 0,
    monitorWindowMs: 0,
    autoRollback: false,
    bypassesCooldown: true,
    ttlMs: 30 * MINUTE,
    rollbackTokenTtlMs: 0,
  }),
  POWER_BUDGET_EXCEEDED: row({
    severity: 'HIGH',
    minConfidence: 0.5,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: false,
    bypassesCooldown: false,
    ttlMs: 15 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  LOAD_IMBALANCE: row({
    severity: 'LOW',
    minConfidence: 0.5,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: true,
    bypassesCooldown: false,
    ttlMs: 15 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
  // Raised by the loop itself after a burst: an optimisation, so LOW. It takes over the watch of the
  // move it follows without outranking what waits there; it follows moves made seconds ago, hence
  // no cooldown.
  JOINT_REPLAN: row({
    severity: 'LOW',
    minConfidence: 0,
    monitorWindowMs: 5 * MINUTE,
    autoRollback: true,
    bypassesCooldown: true,
    ttlMs: 5 * MINUTE,
    rollbackTokenTtlMs: HOUR,
  }),
};

export const DEFAULT_POLICY: Policy = {
  regulatoryDomain: 'US',
  cooldownMs: 10_000,
  nonOccupancyPeriodMs: NON_OCCUPANCY_PERIOD_MS,
  radar: { closeForNeighbours: true },
  sampleIntervalMs: DEFAULT_MONITOR_SAMPLE_INTERVAL_MS,
  rollbackThresholds: DEFAULT_ROLLBACK_THRESHOLDS,
  interference: { channelChangeMinConfidence: 0.8, obssPdStepDb: 3, obssPdCapDbm: OBSS_PD_MAX_DBM },
  qoe: { poorQoe: 0.5, channelChangeShare: 0.3, minCandidateRssiDbm: -75, maxClientsPerAction: 10 },
  density: { capHeadroom: 0, spikeEndsBelowAssociationsPerMin: 5 },
  failover: { txPowerRaiseDb: 3, maxTxPowerDbm: 21 },
  power: { wattsPerTxDb: 0.25, minTxPowerDbm: 5 },
  load: { minCandidateRssiDbm: -70, maxClientsPerAction: 10 },
  maxQueuePerAp: 16,
  coordinator: { idleTimeoutMs: 10 * MINUTE, leaseMs: 30_000, continueAsNewAfterEvents: 10_000 },
  jointReplan: {
    enabled: true,
    quietMs: 10_000,
    minRadios: 3,
    minImprovement: 0.05,
    // A move for interference alone must win back a fifth of the radio's airtime from non-Wi-Fi
    // energy: a gain its clients notice, worth the channel switch it costs them.
    minInterferenceGain: 0.2,
  },
  channelReservations: { enabled: true, answerWithinMs: 250, criticalAnswerWithinMs: 0, ttlMs: 60_000 },
  events: DEFAULT_EVENT_POLICIES,
};

/** The severity an event acts with: its own override, else its type's. */
export function effectiveSeverity(policy: Policy, type: EventType, override?: Severity): Severity {
  return override ?? policy.events[type].severity;
}
