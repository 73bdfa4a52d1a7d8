// Priority order of docs/policy.md: severity CRITICAL > HIGH > MEDIUM > LOW, then the earlier
// detectedAt, then arrival order at the AP.
import type { Severity } from './events';

export const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

/**
 * The AP coordinators' priority key, above every event (1 is Temporal's highest): they hand out
 * every turn, so a backlog of event tasks (even of radar events) never holds back the grant a radar
 * move waits for.
 */
export const COORDINATOR_PRIORITY_KEY = 1;

/** Temporal task priority key for an event of a severity (2 to 5), so a backlog never delays a DFS move. */
export function taskPriorityKey(severity: Severity): number {
  return SEVERITY_RANK[severity] + COORDINATOR_PRIORITY_KEY + 1;
}

/**
 * What follows a radar move (its audit records, closures, the coordinator's notice, the burst note)
 * waits in the queue behind every event task of CRITICAL severity, beside HIGH events: a burst's
 * later radar moves go first (docs/event-lifecycle.md, "The radar reflex").
 */
export const FOLLOW_UP_PRIORITY_KEY = taskPriorityKey('HIGH');

export function outranks(a: Severity, b: Severity): boolean {
  return SEVERITY_RANK[a] < SEVERITY_RANK[b];
}

export interface Queued {
  severity: Severity;
  detectedAt: string;
  arrival: number;
}

/** Sort comparator: the item that should act first comes first. */
export function byPriority(a: Queued, b: Queued): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Date.parse(a.detectedAt) - Date.parse(b.detectedAt) ||
    a.arrival - b.arrival
  );
}
