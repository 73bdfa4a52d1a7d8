// burstReplan (`burst-replan:<taskQueue>`): its address and the messages it answers
// (docs/coordination.md, "Reservations" and "Joint re-plan of a burst"). Event workflows reserve the
// channel a move has chosen, give the reservation up, and tell it of every move that landed.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ChannelReservation, ReservationRequest } from '../../domain/channel-reservations';
import type { EventType } from '../../domain/event-types';
import type { JointMoveGain } from '../../domain/joint-plan';
import type { Radio } from '../../domain/regulatory';
import type { TurnRequest } from '../../domain/radio-turns';

export const BURST_REPLAN_WORKFLOW_TYPE = 'burstReplan';
/** One per deployment (task queue): it sees every channel change its events make. */
export const burstReplanWorkflowId = (taskQueue: string): string => `burst-replan:${taskQueue}`;

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
/** A reservation of the channel a move has chosen; `answerTo` asks for the answer by signal. */
export interface ReserveChannel extends ReservationRequest {
  answerTo?: { workflowId: string; attempt: number };
}
/**
 * Reserves the channel a move has chosen, unless its RF neighbours reserved what it did not count
 * (docs/coordination.md, "Reservations"). A repeat replaces the event's reservation.
 */
export const reserveChannelSignal = defineSignal<[ReserveChannel]>('reserveChannel');
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
  /** The JOINT_REPLAN events started, one per move, with what it gains (absent in plans made before moves named it). */
  moves: { apId: string; eventId: string; to: { channel: number; width: number }; gain?: JointMoveGain }[];
}
export const burstStateQuery = defineQuery<BurstView>('state');
