// What `status` on an event workflow answers, and the outcomes of docs/temporal-contract.md.
import type { EventType, RrmEvent, Severity } from '../../domain/events';
import { DEFAULT_EVENT_POLICIES } from '../../domain/policy';
import type { ConfigurationChange } from '../../domain/radio';
import type { DegradationFinding } from '../../domain/rollback-rules';

export const STAGES = [
  'validate',
  'waiting',
  'plan',
  'baseline',
  'apply',
  'monitor',
  'rollback',
  'done',
] as const;
export type Stage = (typeof STAGES)[number];

export const OUTCOMES = [
  'APPLIED',
  'ROLLED_BACK',
  'REJECTED',
  'NO_ACTION',
  'FAILED',
  'ABANDONED',
  'SUPERSEDED',
  'STALE',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface EventStatus {
  eventId: string;
  apId: string;
  type: EventType;
  severity: Severity;
  stage: Stage;
  outcome?: Outcome;
  reason?: string;
  actionType?: string;
  changes: ConfigurationChange[];
  rollbackToken?: string;
  /** When the change went onto the network (ISO), if it did. */
  appliedAt?: string;
  /** When the radio transmits again (ISO), for a move onto a DFS channel it had not checked (the CAC). */
  cacUntil?: string;
  /** When the outcome was decided (ISO). */
  decidedAt?: string;
  /** Samples taken in the monitor window so far. */
  samples: number;
  findings: DegradationFinding[];
  /** The event whose watch kept this one waiting for its turn, if one did (lower severity waits). */
  waitedForWatchOf?: string;
  /** Channels closed for the Non-Occupancy Period by this event (DFS). */
  closedChannels: number[];
}

/** An event's status before anything is decided: the table's severity until the worker's policy is read. */
export function initialStatus(event: RrmEvent): EventStatus {
  return {
    eventId: event.eventId,
    apId: event.apId,
    type: event.type,
    severity: event.severity ?? DEFAULT_EVENT_POLICIES[event.type].severity,
    stage: 'validate',
    changes: [],
    samples: 0,
    findings: [],
    closedChannels: [],
  };
}
