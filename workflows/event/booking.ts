// A move's chosen channel booked with the deployment's burst re-plan workflow, so that RF neighbours
// planning in the same second see each other's choices (docs/coordination.md, "Reservations"): plan,
// book, and when neighbours booked what the plan did not count, plan again counting them and book
// again (compare-and-set). The answer comes by signal, waited for within the policy's time box; a
// move that gets none chooses blind (drawing among equally good channels) and books that. The
// booking ends when the move lands (the note the joint re-plan also reads) or is given up.
import {
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChannelReservation } from '../../domain/channel-reservations';
import type { ActionPlan, PlanningContext } from '../../domain/plans';
import type { Policy } from '../../domain/policy';
import { burstNotes, reservations } from '../activity-proxies';
import {
  burstReplanWorkflowId,
  channelBookingAnsweredSignal,
  reserveChannelSignal,
  type ChannelBookingAnswer,
  type ChannelBookingRequest,
} from '../definitions';
import type { EventRun } from './run';

/** Choices made again after a refused booking; the last is booked whatever stands by then. */
const MAX_REFUSED_BOOKINGS = 3;

export class ChannelBooking {
  /** The 20 MHz channels booked for this event's move, if it booked any. */
  private booked: number[] = [];
  private attempts = 0;
  private answer?: ChannelBookingAnswer;

  constructor(private readonly run: EventRun) {
    setHandler(channelBookingAnsweredSignal, (answer) => void (this.answer = answer));
  }

  /** The event's plan, chosen counting the channels its neighbours' moves in flight have booked. */
  async plan(ctx: PlanningContext): Promise<ActionPlan> {
    const settings = this.settings();
    if (!settings?.enabled) return this.run.planner.plan(ctx);
    // A move that may not wait (radar, by default) neither waits nor books: in a radar burst every
    // message more is CPU the burst's moves lack. It draws among ties, and lands in the scans at once.
    const answerWithinMs = this.answerWithinMs(settings);
    const blind = answerWithinMs === 0;
    let plan = this.run.planner.plan(blind ? { ...ctx, blind } : ctx);
    if (!this.channelsOf(plan).length) return plan; // no channel move: drawing and booking change nothing
    // A run that planned before reservations existed (a replayed history) plans as it did then.
    if (!patched('channel-reservations')) return this.run.planner.plan(ctx);
    if (blind)
      return explained(plan, `neighbours' moves in flight not seen: not waited for (${this.run.severity})`);
    const deadline = Date.now() + answerWithinMs;
    let near: ChannelReservation[] = [];
    for (let refused = 0; ; refused++) {
      const channels = this.channelsOf(plan);
      if (!channels.length) {
        this.release(); // an earlier choice of this event booked a channel it no longer moves to
        return plan;
      }
      const request = this.request(channels, ctx, near);
      if (refused === MAX_REFUSED_BOOKINGS) {
        this.bookLater(request);
        return plan;
      }
      const answer = await this.book(request, deadline);
      if (typeof answer === 'string') return this.chooseBlind(ctx, near, answer);
      if (answer.booked) {
        this.booked = channels;
        return plan;
      }
      near = answer.near;
      plan = this.run.planner.plan({ ...ctx, reservations: near });
    }
  }

  /**
   * The move landed: the booking ends, and a 5 GHz move counts for the joint re-plan of its burst
   * (a re-plan's own moves do not). Not waited for.
   */
  landed(): void {
    const { event, active, rules, severity, lastChangeAt } = this.run;
    // A policy read before the joint re-plan existed (a replayed history) has no such setting: off.
    const replan = (rules.jointReplan as Policy['jointReplan'] | undefined)?.enabled && event.radio === '5g';
    if (!this.booked.length && (!replan || event.type === 'JOINT_REPLAN')) return;
    if (!this.run.channelsMovedOnto(active!.applied.steps).length) return;
    this.booked = [];
    const { eventId, apId, radio, type } = event;
    const change = { eventId, apId, radio, severity, at: lastChangeAt!, type };
    burstNotes.noteChannelChange(change).catch(() => undefined); // retried until it lands
  }

  /** The move was given up (refused, came to nothing): its neighbours no longer count it. Not waited for. */
  release(): void {
    if (!this.booked.length) return;
    this.booked = [];
    burstNotes.releaseReservation(this.run.event.eventId).catch(() => undefined);
  }

  /** Sends the booking and waits for its answer until `deadline`; why there is none, if none came. */
  private async book(
    request: ChannelBookingRequest,
    deadline: number,
  ): Promise<ChannelBookingAnswer | string> {
    const attempt = ++this.attempts;
    const { workflowId } = workflowInfo();
    try {
      await reservations.reserveChannel({ ...request, answerTo: { workflowId, attempt } });
    } catch (err) {
      return `booking failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const late = `no answer within ${this.answerWithinMs(this.settings()!)} ms`;
    if (Date.now() >= deadline) return late; // nothing left of the time box: no timer to wait on
    if (await condition(() => this.answer?.attempt === attempt, deadline - Date.now())) return this.answer!;
    return late;
  }

  /**
   * No answer in time: the choice draws among the equally best channels (its neighbours, choosing
   * blind from the same scan, draw differently) and is booked without waiting, for those still to come.
   */
  private chooseBlind(ctx: PlanningContext, near: ChannelReservation[], why: string): ActionPlan {
    const plan = this.run.planner.plan({ ...ctx, reservations: near, blind: true });
    const channels = this.channelsOf(plan);
    if (channels.length) this.bookLater(this.request(channels, ctx, near));
    return explained(plan, `neighbours' moves in flight not seen: ${why}`);
  }

  /**
   * Books the choice whatever stands, without waiting: the move goes ahead, its neighbours still count
   * it. Signalled straight from the workflow (no activity: this is on every radar move of a burst);
   * only when the book's workflow is not running does an activity start it with the booking.
   */
  private bookLater(request: ChannelBookingRequest): void {
    this.booked = request.channels;
    const { seen: _, ...whateverStands } = request;
    getExternalWorkflowHandle(burstReplanWorkflowId(workflowInfo().taskQueue))
      .signal(reserveChannelSignal, whateverStands)
      .catch(() => burstNotes.reserveChannel(whateverStands)) // retried until it lands
      .catch(() => undefined);
  }

  private request(
    channels: number[],
    ctx: PlanningContext,
    seen: ChannelReservation[],
  ): ChannelBookingRequest {
    const { event } = this.run;
    return {
      eventId: event.eventId,
      apId: event.apId,
      radio: event.radio,
      channels,
      until: Date.now() + this.settings()!.ttlMs,
      neighbours: ctx.ap.neighbors,
      seen: seen.map(({ eventId, channels: c }) => ({ eventId, channels: c })),
    };
  }

  /** The policy's settings; absent in a policy read before reservations existed (a replayed history). */
  private settings(): Policy['channelReservations'] | undefined {
    return this.run.rules.channelReservations as Policy['channelReservations'] | undefined;
  }

  /** How long this event's move may wait for a booking's answer. */
  private answerWithinMs(settings: Policy['channelReservations']): number {
    return this.run.severity === 'CRITICAL' ? settings.criticalAnswerWithinMs : settings.answerWithinMs;
  }

  /** The 20 MHz channels a plan moves the event's own radio onto (none when it moves no channel). */
  private channelsOf(plan: ActionPlan): number[] {
    return plan.kind === 'change' ? this.run.channelsMovedOnto(plan.steps) : [];
  }
}

function explained(plan: ActionPlan, note: string): ActionPlan {
  return plan.kind === 'change' ? { ...plan, explanation: `${plan.explanation}; ${note}` } : plan;
}
