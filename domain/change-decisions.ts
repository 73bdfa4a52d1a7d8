// The event workflow's decisions about a change, as pure functions: which radios' turns an action
// takes, whether an undo would overwrite a later change, and how a monitor window's verdict ends the
// event (docs/coordination.md, docs/event-lifecycle.md). What DFS forbids a change is in dfs.ts.
import type { EventType, Severity } from './event-types';
import type { EventPolicy } from './policy-schema';
import type { ControllerStep } from './controller-steps';
import { changedParams, type ApSnapshot } from './radio';
import { RADIOS, type Radio } from './regulatory';
import type { TurnNotice } from './radio-turns';

/** The radios an action changes, per AP, in the global order (AP id, then radio). */
export type TurnScope = { apId: string; radios: Radio[] }[];

/** Types whose action changes every radio of the AP (failover also the neighbours' radios). */
const AP_WIDE: readonly EventType[] = ['HW_FAILURE', 'POWER_BUDGET_EXCEEDED'];

/**
 * The turns an event takes: its own radio; every radio of the AP for AP-wide actions; and for a
 * failover every radio of the neighbours it raises. Steering targets need no configuration.
 */
export function turnScope(type: EventType, apId: string, radio: Radio, neighbours: string[] = []): TurnScope {
  if (!AP_WIDE.includes(type)) return [{ apId, radios: [radio] }];
  const aps = type === 'HW_FAILURE' ? [apId, ...neighbours] : [apId];
  return [...new Set(aps)].sort().map((id) => ({ apId: id, radios: [...RADIOS] }));
}

/**
 * Why undoing the steps would overwrite someone else's later change, or undefined: a radio whose
 * changed settings no longer read as this action left them, or an AP whose admin state moved.
 * Other radios of the same AP may have changed meanwhile (they have turns of their own).
 */
export function reconfiguredSince(steps: ControllerStep[], aps: ApSnapshot[]): string | undefined {
  for (const step of steps) {
    const ap = aps.find((a) => a.apId === step.apId);
    if (!ap || step.kind === 'steer') continue;
    if (step.kind === 'admin') {
      if (ap.adminStatus !== step.to) return `${ap.apId} was set ${ap.adminStatus} since this change`;
      continue;
    }
    const now = ap.radios[step.radio];
    const moved = changedParams(step.from, step.target).filter((p) => now?.[p] !== step.target[p]);
    if (moved.length) {
      return `${step.apId} ${step.radio} was reconfigured since this change (${moved.join(', ')}); roll back the later change first`;
    }
  }
  return undefined;
}

/** Why an event is refused before it takes any turn, or undefined. */
export function belowConfidence(confidence: number, eventPolicy: EventPolicy): string | undefined {
  return confidence < eventPolicy.minConfidence
    ? `confidence ${confidence} is below the minimum ${eventPolicy.minConfidence}`
    : undefined;
}

/** Why an event on an AP the controller does not know is refused (not left for an operator). */
export function unknownApRefusal(apId: string): string {
  return `the controller does not know AP ${apId}: nothing to act on (check the AP id the source sends)`;
}

/**
 * Why an event about a channel is decided without its turn: the radio's watcher already moved it
 * off that channel (radioTurns.premiseGone), so whatever the event would do is answered.
 */
export function premiseGoneReason(
  answered: Pick<Extract<TurnNotice, { kind: 'premise-gone' }>, 'channel' | 'radio' | 'by' | 'movedOnto'>,
): string {
  const { channel, radio, by, movedOnto } = answered;
  return (
    `channel ${channel} is no longer the ${radio} radio's: ${by.type} ${by.eventId} moved it onto ` +
    `${movedOnto.join(', ')}; nothing left to act on (decided without waiting for its watch)`
  );
}

/** Why an event is too old to act on when its turn comes, or undefined. */
export function staleness(detectedAt: string, now: number, eventPolicy: EventPolicy): string | undefined {
  const ageMs = now - Date.parse(detectedAt);
  return ageMs > eventPolicy.ttlMs
    ? `event is ${Math.round(ageMs / 1000)} s old, past its ${eventPolicy.ttlMs / 1000} s TTL`
    : undefined;
}

/** What ended a monitor window. */
export type MonitorVerdict =
  | { kind: 'healthy' }
  /** No sample judged: the radio carried no traffic to judge the change by (rollback-rules.ts). */
  | { kind: 'not-judged'; samplesWithoutTraffic: number }
  /** Density spike: associations fell back below the policy's rate. */
  | { kind: 'spike-over' }
  | { kind: 'committed'; operator: string }
  | { kind: 'degraded'; findings: string }
  | {
      kind: 'superseded';
      by: { eventId: string; type: EventType; severity: Severity; channel?: number };
      /** A CRITICAL event on the channel this action moved to: the watcher holds the turn to undo first. */
      rollbackFirst: boolean;
    };

export interface ConclusionFacts {
  type: EventType;
  eventPolicy: EventPolicy;
  /** Why a rollback would break regulation now, if it would. */
  rollbackForbidden?: string;
  /** A radar move may choose afresh this many more times. */
  reselectionsLeft: number;
}

export interface KeptChange {
  outcome: 'APPLIED' | 'SUPERSEDED';
  reason: string;
  executionStatus?: string;
  degraded?: boolean;
  operator?: string;
}

/** How the event ends (or goes on) after its monitor window's verdict. */
export type Conclusion =
  | ({ kind: 'keep' } & KeptChange)
  | { kind: 'roll-back'; reason: string; degraded: boolean }
  /** Admission control ends with the spike: lifting the cap is its natural end, not a rollback. */
  | { kind: 'lift'; reason: string }
  /** Radar move degraded: never back onto the radar channel, choose afresh among the open ones. */
  | { kind: 'reselect'; degradation: string };

export function conclude(verdict: MonitorVerdict, facts: ConclusionFacts): Conclusion {
  const { type, eventPolicy } = facts;
  switch (verdict.kind) {
    case 'superseded': {
      const by = `${verdict.by.eventId} (${verdict.by.severity})`;
      if (verdict.by.type === 'DFS_RADAR' && !verdict.rollbackFirst) {
        // The radar reflex moved the radio before telling anyone: nothing of this change is undone.
        return {
          kind: 'keep',
          outcome: 'SUPERSEDED',
          reason: `superseded by radar ${by} on channel ${verdict.by.channel}: the radar move took the radio on; this change is not undone`,
        };
      }
      if (!verdict.rollbackFirst) {
        return {
          kind: 'keep',
          outcome: 'SUPERSEDED',
          reason: `superseded by ${by} at a safe point; the change stays`,
        };
      }
      const why = `CRITICAL ${verdict.by.type} (${verdict.by.eventId}) on the new channel ${verdict.by.channel}`;
      if (eventPolicy.autoRollback && !facts.rollbackForbidden)
        return { kind: 'roll-back', reason: `automatic rollback: ${why}`, degraded: false };
      return {
        kind: 'keep',
        outcome: 'SUPERSEDED',
        reason: `${why}; ${facts.rollbackForbidden ?? 'no automatic rollback'}: handing over to it`,
      };
    }
    case 'committed':
      return {
        kind: 'keep',
        outcome: 'APPLIED',
        reason: `committed by ${verdict.operator}`,
        executionStatus: 'COMMITTED',
        operator: verdict.operator,
      };
    case 'spike-over':
      return { kind: 'lift', reason: 'spike over: admission cap lifted' };
    case 'healthy':
      if (type === 'DENSITY_SPIKE') {
        return {
          kind: 'lift',
          reason: `spike still on after ${eventPolicy.monitorWindowMs / 60_000} min: admission cap lifted at the window's end`,
        };
      }
      return {
        kind: 'keep',
        outcome: 'APPLIED',
        reason: 'monitor window passed without degradation',
        executionStatus: 'COMMITTED',
      };
    case 'not-judged': {
      const n = verdict.samplesWithoutTraffic;
      const why = `the radio carried no traffic to judge the change by (${n} sample${n === 1 ? '' : 's'} in the window without traffic)`;
      if (type === 'DENSITY_SPIKE')
        return { kind: 'lift', reason: `admission cap lifted at the window's end, not judged: ${why}` };
      return {
        kind: 'keep',
        outcome: 'APPLIED',
        reason: `kept, not judged: ${why}`,
        executionStatus: 'COMMITTED',
      };
    }
    case 'degraded':
      if (type === 'DFS_RADAR' && facts.reselectionsLeft > 0)
        return { kind: 'reselect', degradation: verdict.findings };
      if (eventPolicy.autoRollback && !facts.rollbackForbidden) {
        return { kind: 'roll-back', reason: `automatic rollback: ${verdict.findings}`, degraded: true };
      }
      return {
        kind: 'keep',
        outcome: 'APPLIED',
        reason: `degraded (${verdict.findings}); ${
          type === 'DFS_RADAR'
            ? 'no better open channel'
            : (facts.rollbackForbidden ?? `automatic rollback is off for ${type}`)
        }`,
        degraded: true,
      };
  }
}
