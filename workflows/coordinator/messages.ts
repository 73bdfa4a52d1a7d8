// apCoordinator (`ap:<apId>`): its address and the messages it answers (docs/coordination.md). Event
// workflows ask for and give back their radios' turns, end their watches and tell it of radar.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApTurnView,
  ClosedChannel,
  RadarMove,
  TurnRequest,
  WatchRequest,
} from '../../domain/radio-turns';
import type { PremiseGone, TurnDropped, TurnGranted } from '../event/messages';

export const AP_COORDINATOR_WORKFLOW_TYPE = 'apCoordinator';
export const apCoordinatorWorkflowId = (apId: string): string => `ap:${apId}`;
/**
 * Coordinators run on a task queue of their own, beside their events' queue, with workers (slots)
 * of their own: an event's workflow task waits in its turn request for its coordinator's task to
 * answer, so the two must never compete for the same slots (docs/coordination.md).
 */
export const coordinatorTaskQueue = (eventTaskQueue: string): string => `${eventTaskQueue}-coordinators`;

/**
 * A request for radios' turns, answered at once: granted when they are free, dropped when the queue
 * overflows with it, premise-gone when the radio's watcher already moved it off the request's
 * channel, otherwise queued (the answer follows as a signal).
 */
export const requestTurnUpdate = defineUpdate<TurnAnswer, [TurnRequest]>('requestTurn');
export type TurnAnswer = TurnGranted | TurnDropped | PremiseGone | { kind: 'queued'; apId: string };
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
