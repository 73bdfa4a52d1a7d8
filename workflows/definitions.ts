// Signals, queries and search attributes of the Temporal contract (DESIGN.md §5). Shared by the
// workflows and by everything in client/ that talks to them.
import { defineQuery, defineSignal } from '@temporalio/workflow';
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
  /** Channels of the event's radio in their Non-Occupancy Period when the turn was granted. */
  closedChannels: number[];
}
export const turnGrantedSignal = defineSignal<[TurnGranted]>('turnGranted');
export const preemptSignal = defineSignal<[{ by: string }]>('preempt');
export const commitSignal = defineSignal<[{ operator?: string }]>('commit');
export const eventStatusQuery = defineQuery<EventStatus>('status');
