// What `status` on an event workflow answers, and the outcomes of docs/temporal-contract.md.
import type { EventType, Severity } from '../domain/events';
import type { ConfigurationChange } from '../domain/radio';
import type { DegradationFinding } from '../domain/rollback-rules';

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
