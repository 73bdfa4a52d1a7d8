// Signals, queries and search attributes of the Temporal contract (docs/temporal-contract.md). Shared by the
// workflows and by everything in client/ that talks to them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type {
  ApTurnView,
  ClosedChannel,
  RadarMove,
  TurnNotice,
  TurnRequest,
  WatchRequest,
} from '../domain/radio-turns';
import type {
  ChannelReservation,
  ReservationAnswer,
  ReservationRequest,
} from '../domain/channel-reservations';
import type { EventType } from '../domain/event-types';
import type { Radio } from '../domain/regulatory';
import type { EventStatus } from './event-status';

export const EVENT_WORKFLOW_TYPE = 'rrmEvent';
export const AP_COORDINATOR_WORKFLOW_TYPE = 'apCoordinator';
export const eventWorkflowId = (eventId: string): string => `event:${eventId}`;
export const apCoordinatorWorkflowId = (apId: string): string => `ap:${apId}`;
/**
 * Coordinators run on a task queue of their own, beside their events' queue, with workers (slots)
 * of their own: an event's workflow task waits in its turn request for its coordinator's task to
 * answer, so the two must never compete for the same slots (docs/coordination.md).
 */
export const coordinatorTaskQueue = (eventTaskQueue: string): string => `${eventTaskQueue}-coordinators`;
export const BURST_REPLAN_WORKFLOW_TYPE = 'burstReplan';
/** One per deployment (task queue): it sees every channel change its events make. */
export const burstReplanWorkflowId = (taskQueue: string): string => `burst-replan:${taskQueue}`;

export const OPERATOR_REFUSAL_WORKFLOW_TYPE = 'operatorRefusal';
/** One per refusal: `id` tells apart refusals of one event. */
export const operatorRefusalWorkflowId = (eventId: string, id: string): string => `refusal:${eventId}:${id}`;

export const searchAttributes = {
  apId: defineSearchAttributeKey('RrmApId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('RrmEventType', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('RrmSeverity', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('RrmOutcome', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('RrmStage', SearchAttributeType.KEYWORD),
};

// --- apCoordinator (`ap:<apId>`) ---
/**
 * A request for radios' turns, answered at once: granted when they are free, dropped when the queue
 * overflows with it, otherwise queued (the grant or the drop follows as a signal).
 */
export const requestTurnUpdate = defineUpdate<TurnAnswer, [TurnRequest]>('requestTurn');
export type TurnAnswer = TurnGranted | TurnDropped | { kind: 'queued'; apId: string };
/** A request sent by a build before requestTurnUpdate: kept so such histories replay (docs/upgrades.md). */
export const requestTurnSignal = defineSignal<[TurnRequest]>('requestTurn');
export interface ReleaseTurn {
  eventId: string;
  type: TurnRequest['type'];
  severity: TurnRequest['severity'];
  /** Epoch ms of the last configuration change the holder made, null when it changed nothing. */
  lastChangeAt: number | null;
  /**
   * Monitoring follows the change: a watch on the event's radio until its window ends. null ends
   * the event's watches (its change was undone); absent leaves them as they are.
   */
  watch?: WatchRequest | null;
}
export const releaseTurnSignal = defineSignal<[ReleaseTurn]>('releaseTurn');
/** The watcher's monitoring ended early (committed, rolled back, decided). */
export const endWatchSignal = defineSignal<[{ eventId: string }]>('endWatch');
export interface CloseChannels {
  eventId: string;
  radio: ClosedChannel['radio'];
  channels: number[];
  until: number;
  /** Set when the radar was heard by this AP's neighbour `heardBy` (docs/coordination.md). */
  heardBy?: string;
}
export const closeChannelsSignal = defineSignal<[CloseChannels]>('closeChannels');
/** A radar move made without a turn (the radar reflex), told after the fact with its closure. */
export interface RadarMoved extends RadarMove {
  closure?: CloseChannels;
}
export const radarMovedSignal = defineSignal<[RadarMoved]>('radarMoved');
export const apStateQuery = defineQuery<ApTurnView>('state');

// --- burstReplan (`burst-replan:<taskQueue>`) ---
/** An event moved a radio to another channel (docs/coordination.md, "Joint re-plan of a burst"). */
export interface ChannelChange {
  eventId: string;
  apId: string;
  radio: Radio;
  severity: TurnRequest['severity'];
  /** Epoch ms of the move. */
  at: number;
  /** The event's type: a JOINT_REPLAN move ends its reservation but starts no burst. Absent in older notes. */
  type?: EventType;
}
/** The move landed: it counts for its burst, and its channel reservation ends (the scans show it now). */
export const channelChangedSignal = defineSignal<[ChannelChange]>('channelChanged');
/** A booking of the channel a move has chosen; `answerTo` asks for the answer by signal. */
export interface ChannelBookingRequest extends ReservationRequest {
  answerTo?: { workflowId: string; attempt: number };
}
/**
 * Books the channel a move has chosen, unless its RF neighbours booked what it did not count
 * (docs/coordination.md, "Reservations"). A repeat replaces the event's booking.
 */
export const reserveChannelSignal = defineSignal<[ChannelBookingRequest]>('reserveChannel');
/** The booking's answer, to the event that asked: booked or refused, and its neighbours' bookings. */
export type ChannelBookingAnswer = ReservationAnswer & { attempt: number };
export const channelBookingAnsweredSignal = defineSignal<[ChannelBookingAnswer]>('channelBookingAnswered');
/** The event gave up the move it reserved a channel for (it was refused, or came to nothing). */
export const releaseReservationSignal = defineSignal<[{ eventId: string }]>('releaseReservation');
export interface BurstView {
  /** Changes waiting for their burst to go quiet. */
  pending: ChannelChange[];
  /** The bursts planned so far by this run, the latest last. */
  planned: BurstPlanned[];
  /** Channels chosen by moves in flight, not yet landed. */
  reservations: ChannelReservation[];
}
export interface BurstPlanned {
  burstId: string;
  /** Epoch ms at which the plan was made and its moves started. */
  plannedAt: number;
  apIds: string[];
  coChannelPairs: { before: number; after: number };
  /** The JOINT_REPLAN events started, one per move. */
  moves: { apId: string; eventId: string; to: { channel: number; width: number } }[];
}
export const burstStateQuery = defineQuery<BurstView>('state');

// --- rrmEvent (`event:<eventId>`) ---
export type TurnGranted = Omit<Extract<TurnNotice, { kind: 'granted' }>, 'eventId'> & { apId: string };
export const turnGrantedSignal = defineSignal<[TurnGranted]>('turnGranted');
/** The radio's queue was full and this event was the lowest in priority order. */
export type TurnDropped = Omit<Extract<TurnNotice, { kind: 'dropped' }>, 'eventId'> & { apId: string };
export const turnDroppedSignal = defineSignal<[TurnDropped]>('turnDropped');
/**
 * An event of equal or higher severity took the watched radio: end at the next safe point, the
 * change kept; with `rollbackFirst`, the watcher holds the radio's turn to undo its move first.
 */
export type Supersession = Omit<Extract<TurnNotice, { kind: 'superseded' }>, 'kind' | 'eventId'> & {
  apId: string;
};
export const supersededSignal = defineSignal<[Supersession]>('superseded');
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
