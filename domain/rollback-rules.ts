// Rollback triggers of docs/policy.md: after a change, each monitor sample is compared with the
// baseline taken just before apply; the change is rolled back only after several consecutive
// degraded samples, so one noisy sample does not undo a good move. Pure: used from workflow code.

import type { MonitorVerdict } from './change-decisions';
import type { RollbackThresholds } from './rollback-thresholds-schema';

export type { RollbackThresholds };

/** Radio-level metrics of one monitor sample (and of the baseline). */
export interface RadioSample {
  /** Packet error rate, 0..1. */
  per: number;
  /** Share of frames retried, 0..1. */
  retryRate: number;
  throughputMbps: number;
  disconnectsPerMin: number;
  /** Average client QoE, 0..1. */
  avgQoe: number;
  /** False while the radio does not transmit (a CAC): it serves no one. Absent means transmitting. */
  transmitting?: boolean;
  /** Associated clients. Absent (a controller that does not say, a sample recorded before): unknown. */
  clientCount?: number;
  /** The radio's own share of airtime (what it transmits), %. Absent: unknown. */
  airtimePct?: number;
}

/** docs/policy.md defaults. */
export const DEFAULT_ROLLBACK_THRESHOLDS: RollbackThresholds = Object.freeze({
  perIncreasePct: 30,
  perNoiseFloor: 0.02,
  retryIncreasePct: 30,
  retryNoiseFloor: 0.03,
  disconnectsPerMin: 10,
  throughputDropPct: 40,
  throughputNoiseFloorMbps: 5,
  qoeDropPct: 20,
  qoeNoiseFloor: 0.05,
  consecutiveSamples: 2,
  minClients: 1,
  // About what a few SSIDs' beacons take at 5 GHz: below it a radio sends little beyond them. One
  // active client is well above (6.5 % in the simulator: 5 % base plus 1.5 % per client).
  minAirtimePct: 2,
});

/** Default spacing of monitor samples through the window. */
export const DEFAULT_MONITOR_SAMPLE_INTERVAL_MS = 30_000;

export type DegradationRule = 'PER' | 'RETRY_RATE' | 'DISCONNECTS' | 'THROUGHPUT' | 'QOE';

export interface DegradationFinding {
  rule: DegradationRule;
  baseline: number;
  observed: number;
  /** Human, e.g. "PER 0.020 → 0.081 (+305 %)". */
  change: string;
}

/** Guards "beyond the threshold" comparisons against float noise (0.07 − 0.05 > 0.02 is true in floats). */
const EPSILON = 1e-9;
const beyond = (value: number, limit: number): boolean => value > limit + EPSILON;
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const pct = (from: number, to: number): string => {
  if (from === 0) return 'from 0';
  const p = Math.round(((to - from) / from) * 100);
  return `${p >= 0 ? '+' : ''}${p} %`;
};

interface RelativeRule {
  rule: DegradationRule;
  label: string;
  unit: string;
  digits: number;
  metric: keyof RadioSample;
  /** 'increase' for error-like metrics, 'drop' for goodness metrics. */
  worseWhen: 'increase' | 'drop';
  pct: (t: RollbackThresholds) => number;
  floor: (t: RollbackThresholds) => number;
}

const RELATIVE_RULES: RelativeRule[] = [
  {
    rule: 'PER',
    label: 'PER',
    unit: '',
    digits: 3,
    metric: 'per',
    worseWhen: 'increase',
    pct: (t) => t.perIncreasePct,
    floor: (t) => t.perNoiseFloor,
  },
  {
    rule: 'RETRY_RATE',
    label: 'retry rate',
    unit: '',
    digits: 3,
    metric: 'retryRate',
    worseWhen: 'increase',
    pct: (t) => t.retryIncreasePct,
    floor: (t) => t.retryNoiseFloor,
  },
  {
    rule: 'THROUGHPUT',
    label: 'throughput',
    unit: ' Mbps',
    digits: 1,
    metric: 'throughputMbps',
    worseWhen: 'drop',
    pct: (t) => t.throughputDropPct,
    floor: (t) => t.throughputNoiseFloorMbps,
  },
  {
    rule: 'QOE',
    label: 'QoE',
    unit: '',
    digits: 2,
    metric: 'avgQoe',
    worseWhen: 'drop',
    pct: (t) => t.qoeDropPct,
    floor: (t) => t.qoeNoiseFloor,
  },
];

/**
 * Rule breaches of one sample against the baseline. Relative rules need both the relative change
 * beyond their percentage and the absolute change beyond their noise floor, so tiny baselines
 * (PER 0.01 → 0.014 is +40 %) do not trigger. A metric missing (non-finite) on either side is not
 * judged. Disconnects are an absolute limit, but only blamed on the change when they also rose
 * above the baseline: rolling back cannot cure disconnects that were there before.
 */
export function findDegradation(
  baseline: RadioSample,
  sample: RadioSample,
  t: RollbackThresholds,
): DegradationFinding[] {
  const findings: DegradationFinding[] = [];
  for (const r of RELATIVE_RULES) {
    const before = baseline[r.metric];
    const after = sample[r.metric];
    if (!isNumber(before) || !isNumber(after)) continue;
    const worsening = r.worseWhen === 'increase' ? after - before : before - after;
    if (!beyond(worsening, r.floor(t))) continue;
    // From a zero baseline any rise is infinitely large in relative terms: the floor decides alone.
    if (before > 0 && !beyond((worsening / before) * 100, r.pct(t))) continue;
    findings.push({
      rule: r.rule,
      baseline: before,
      observed: after,
      change: `${r.label} ${before.toFixed(r.digits)} → ${after.toFixed(r.digits)}${r.unit} (${pct(before, after)})`,
    });
  }
  const dBefore = baseline.disconnectsPerMin;
  const dAfter = sample.disconnectsPerMin;
  if (
    isNumber(dBefore) &&
    isNumber(dAfter) &&
    beyond(dAfter, t.disconnectsPerMin) &&
    beyond(dAfter, dBefore)
  ) {
    findings.push({
      rule: 'DISCONNECTS',
      baseline: dBefore,
      observed: dAfter,
      change: `disconnects ${dBefore.toFixed(1)} → ${dAfter.toFixed(1)} /min (limit ${t.disconnectsPerMin} /min)`,
    });
  }
  return findings;
}

export interface MonitorVerdictState {
  /**
   * What samples are judged against: the sample taken before the change, or, when that carried no
   * traffic (or was lost), the first sample with traffic after it.
   */
  baseline?: RadioSample;
  /** Degraded samples in a row, up to and including the latest. */
  consecutiveDegraded: number;
  /** Samples judged so far in the window. */
  samples: number;
  /** Findings of the latest sample ([] when it was healthy). */
  lastFindings: DegradationFinding[];
  /** Samples set aside: neither they nor the baseline carried traffic, so there was nothing to compare. */
  withoutTraffic: number;
}

/** A window's verdict before its first sample, judged against `baseline`. */
export const startMonitoring = (baseline?: RadioSample): MonitorVerdictState => ({
  baseline,
  consecutiveDegraded: 0,
  samples: 0,
  lastFindings: [],
  withoutTraffic: 0,
});

/**
 * When a change's monitor window ends: a move onto a DFS channel the radio has not checked puts it
 * off the air for the CAC, so its window starts when the radio transmits again; a change without a
 * window (monitorWindowMs 0) is not watched at all.
 */
export function monitorWindowEnd(appliedAt: number, monitorWindowMs: number, cacMs = 0): number {
  return monitorWindowMs === 0 ? appliedAt : appliedAt + cacMs + monitorWindowMs;
}

/** A sample of a radio off the air (in a CAC) says nothing of the change: neither healthy nor degraded. */
export const judgesTheChange = (sample: RadioSample): boolean => sample.transmitting !== false;

/**
 * Whether the radio carried traffic to judge by: clients associated and airtime of its own. Without
 * any, error rates are ratios of next to nothing, and from such a baseline any traffic reads as an
 * infinite rise. What is unknown (not reported, or a floor missing from a policy recorded before
 * these floors) counts as traffic: judged as it always was.
 */
export function carriesTraffic(sample: RadioSample, t: RollbackThresholds): boolean {
  const below = (value: unknown, floor: unknown) => isNumber(value) && isNumber(floor) && value < floor;
  return !below(sample.clientCount, t.minClients) && !below(sample.airtimePct, t.minAirtimePct);
}

/**
 * A window that ran its course without a rollback: healthy, unless no sample was ever judged because
 * the radio carried no traffic (then the change is kept, not judged).
 */
export function windowPassed(
  state: MonitorVerdictState,
): Extract<MonitorVerdict, { kind: 'healthy' | 'not-judged' }> {
  return state.samples === 0 && state.withoutTraffic > 0
    ? { kind: 'not-judged', samplesWithoutTraffic: state.withoutTraffic }
    : { kind: 'healthy' };
}

/**
 * Folds one monitor sample of a radio on the air into the verdict. A baseline without traffic is no
 * reference: the first sample with traffic takes its place, unjudged; until then samples are set
 * aside. Against a baseline with traffic every sample is judged, with traffic or without: a change
 * that drove every client off shows in throughput and disconnects. Any breached rule makes the
 * sample degraded (not necessarily the same rule each time); a healthy sample resets the streak.
 * Rollback is due once the streak reaches `t.consecutiveSamples`.
 */
export function observeSample(
  state: MonitorVerdictState,
  sample: RadioSample,
  t: RollbackThresholds,
): { state: MonitorVerdictState; judged: boolean; rollback: boolean; findings: DegradationFinding[] } {
  const { baseline } = state;
  if (!baseline || !carriesTraffic(baseline, t)) {
    const next = carriesTraffic(sample, t)
      ? { ...state, baseline: sample }
      : { ...state, withoutTraffic: state.withoutTraffic + 1 };
    return { state: next, judged: false, rollback: false, findings: [] };
  }
  const findings = findDegradation(baseline, sample, t);
  const consecutiveDegraded = findings.length > 0 ? state.consecutiveDegraded + 1 : 0;
  return {
    state: { ...state, consecutiveDegraded, samples: state.samples + 1, lastFindings: findings },
    judged: true,
    rollback: consecutiveDegraded >= t.consecutiveSamples,
    findings,
  };
}
