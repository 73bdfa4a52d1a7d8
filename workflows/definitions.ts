// Signals, queries and search attributes of the Temporal contract (DESIGN.md §5). Shared by the
// workflows and by everything in client/ that talks to them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ApTurnState, ClosedChannel, TurnRequest } from '../domain/ap-turn';
import type { EventStatus } from './event-status';

export const EVENT_WORKFLOW_TYPE = 'rrmEvent';
export const AP_COORDINATOR_WORKFLOW_TYPE = 'apCoordinator';
export const eventWorkflowId = (eventId: string): string => `event:${eventId}`;
export const apCoordinatorWorkflowId = (apId: string): string => `ap:${apId}`;

export const searchAttributes = {
  apId: defineSearchAttributeKey('RrmApId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('RrmEventType', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('RrmSeverity', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('RrmOutcome', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('RrmStage', SearchAttributeType.KEYWORD),
};

// --- apCoordinator (`ap:<apId>`) ---
export const requestTurnSignal = defineSignal<[TurnRequest]>('requestTurn');
export interface ReleaseTurn {
  eventId: string;
  /** Epoch ms of the last configuration change the holder made, null when it changed nothing. */
  lastChangeAt: number | null;
}
export const releaseTurnSignal = defineSignal<[ReleaseTurn]>('releaseTurn');
export interface CloseChannels {
  eventId: string;
  radio: ClosedChannel['radio'];
  channels: number[];
  until: number;
}
export const closeChannelsSignal = defineSignal<[CloseChannels]>('closeChannels');
export const apStateQuery = defineQuery<ApTurnState>('state');

// --- rrmEvent (`event:<eventId>`) ---
export interface TurnGranted {
  apId: string;
  /** Channels of the event's radio in their Non-Occupancy Period when the turn was granted. */
  closedChannels: number[];
}
export const turnGrantedSignal = defineSignal<[TurnGranted]>('turnGranted');
/** The AP's queue was full and this event was the lowest in priority order. */
export const turnDroppedSignal = defineSignal<[{ apId: string; waiting: number }]>('turnDropped');
/** A strictly more severe event waits for the AP: yield at the next safe point. */
export type Preemption = Pick<TurnRequest, 'eventId' | 'type' | 'severity' | 'channel'> & { apId: string };
export const preemptSignal = defineSignal<[Preemption]>('preempt');
export const eventStatusQuery = defineQuery<EventStatus>('status');

/** Who asks for an operator control, and why; recorded in the audit trail. */
export interface OperatorAction {
  operator: string;
  reason?: string;
}
// Operator controls are updates: the caller learns at once whether the control was accepted, and a
// refusal (e.g. a rollback onto a radar-closed channel) comes back as an error with the reason.
/** Manual rollback while the rollback token lives; refused where regulation forbids it. */
export const rollbackUpdate = defineUpdate<EventStatus, [OperatorAction]>('rollback');
/** Try a FAILED apply again: re-plans on the AP's current state. */
export const retryUpdate = defineUpdate<EventStatus, [OperatorAction]>('retry');
/** Give up on a FAILED apply (ends ABANDONED). */
export const abandonUpdate = defineUpdate<EventStatus, [OperatorAction]>('abandon');
/** End monitoring early and keep the change. */
export const commitUpdate = defineUpdate<EventStatus, [OperatorAction]>('commit');
/** Returns the status as soon as the event has an outcome (the workflow may live on for the rollback token). */
export const outcomeUpdate = defineUpdate<EventStatus, []>('outcome');
