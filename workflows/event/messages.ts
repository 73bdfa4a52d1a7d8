// rrmEvent (`event:<eventId>`): its address, search attributes, and the messages it answers
// (docs/temporal-contract.md). The signals come from its AP's coordinator (turns) and from the
// reservation book (a reservation's answer); the updates and the query from operators and clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ReservationAnswer } from '../../domain/channel-reservations';
import type { TurnNotice } from '../../domain/radio-turns';
import type { EventStatus } from './status';

export const EVENT_WORKFLOW_TYPE = 'rrmEvent';
export const eventWorkflowId = (eventId: string): string => `event:${eventId}`;

export const searchAttributes = {
  apId: defineSearchAttributeKey('RrmApId', SearchAttributeType.KEYWORD),
  eventType: defineSearchAttributeKey('RrmEventType', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('RrmSeverity', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('RrmOutcome', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('RrmStage', SearchAttributeType.KEYWORD),
};

export const eventStatusQuery = defineQuery<EventStatus>('status');

// --- from the AP's coordinator: the radio turns ---
export type TurnGranted = Omit<Extract<TurnNotice, { kind: 'granted' }>, 'eventId'> & { apId: string };
export const turnGrantedSignal = defineSignal<[TurnGranted]>('turnGranted');
/** The radio's queue was full and this event was the lowest in priority order. */
export type TurnDropped = Omit<Extract<TurnNotice, { kind: 'dropped' }>, 'eventId'> & { apId: string };
export const turnDroppedSignal = defineSignal<[TurnDropped]>('turnDropped');
/** The radio's watcher already moved it off the channel this event is about: decide without a turn. */
export type PremiseGone = Omit<Extract<TurnNotice, { kind: 'premise-gone' }>, 'eventId'> & { apId: string };
export const premiseGoneSignal = defineSignal<[PremiseGone]>('premiseGone');
/**
 * An event of equal or higher severity took the watched radio: end at the next safe point, the
 * change kept; with `rollbackFirst`, the watcher holds the radio's turn to undo its move first.
 */
export type Supersession = Omit<Extract<TurnNotice, { kind: 'superseded' }>, 'kind' | 'eventId'> & {
  apId: string;
};
export const supersededSignal = defineSignal<[Supersession]>('superseded');

// --- from the reservation book (burstReplan) ---
/** A reservation's answer, to the event that asked: reserved or refused, and its neighbours' reservations. */
export type ReservationAnswered = ReservationAnswer & { attempt: number };
export const reservationAnsweredSignal = defineSignal<[ReservationAnswered]>('channelBookingAnswered');

// --- operator controls ---
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
