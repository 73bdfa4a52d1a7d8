// The reservation book's state and every change to it (docs/coordination.md, "Reservations" and
// "Joint re-plan of a burst"): the channels moves in flight have reserved, the landed moves waiting
// for their burst to go quiet, and the bursts planned so far. The reservation rules are pure
// functions in domain/channel-reservations.ts.
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import * as reservations from '../../domain/channel-reservations';
import { reservationAnsweredSignal } from '../event/messages';
import type { BurstPlanned, BurstView, ChannelChange, ReserveChannel } from './messages';

/** Bursts kept for the `state` query, the latest last. */
const PLANNED_KEPT = 10;

export class ReservationBook {
  private readonly pending: ChannelChange[];
  private readonly planned: BurstPlanned[] = [];
  private reservations: reservations.ChannelReservation[];

  constructor(pending: ChannelChange[], reserved: reservations.ChannelReservation[]) {
    this.pending = [...pending];
    this.reservations = reserved;
  }

  // --- message handlers ---

  /** Reserves the move's channel unless its neighbours reserved what it did not count; answers when asked to. */
  reserve({ answerTo, ...request }: ReserveChannel): void {
    const { book, ...answer } = reservations.reserve(this.reservations, request, Date.now());
    this.reservations = book;
    if (!answerTo) return;
    // A move that has gone on without the answer (or ended) just does not read it.
    getExternalWorkflowHandle(answerTo.workflowId)
      .signal(reservationAnsweredSignal, { ...answer, attempt: answerTo.attempt })
      .catch(() => undefined);
  }

  release({ eventId }: { eventId: string }): void {
    this.reservations = reservations.release(this.reservations, eventId);
  }

  /** A move landed: its reservation ends, and it counts for its burst. */
  landed(change: ChannelChange): void {
    this.reservations = reservations.release(this.reservations, change.eventId);
    // A re-plan's own move starts no burst; a retried note of a change already waiting counts once.
    if (change.type === 'JOINT_REPLAN' || this.pending.some((c) => c.eventId === change.eventId)) return;
    this.pending.push(change);
  }

  view(): BurstView {
    return {
      pending: this.pending,
      planned: this.planned,
      reservations: reservations.lapse(this.reservations, Date.now()),
    };
  }

  // --- for the workflow's loop ---

  /** How many landed moves wait for their burst to go quiet. */
  get waiting(): number {
    return this.pending.length;
  }

  /** The burst's moves, taken out of the book to be re-planned. */
  takeBurst(): ChannelChange[] {
    return this.pending.splice(0);
  }

  /** Keeps the latest bursts planned, for the `state` query. */
  burstPlanned(planned: BurstPlanned[]): void {
    this.planned.push(...planned);
    this.planned.splice(0, Math.max(0, this.planned.length - PLANNED_KEPT));
  }

  /** What continue-as-new carries over: the moves still waiting and the reservations still live. */
  carried(): [ChannelChange[], reservations.ChannelReservation[]] {
    return [this.pending, reservations.lapse(this.reservations, Date.now())];
  }
}
