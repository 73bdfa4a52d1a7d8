// A move's chosen channel reserved in the reservation book (the burstReplan workflow), so that RF
// neighbours planning in the same second see each other's choices (docs/coordination.md,
// "Reservations"): plan, reserve, and when neighbours reserved what the plan did not count, plan
// again counting them and reserve again (compare-and-set). The answer comes by signal, waited for
// within the policy's time box; a move that gets none chooses blind (drawing among equally good
// channels) and reserves that. The reservation ends when the move lands (the note the joint re-plan
// also reads) or is given up.
import { condition, getExternalWorkflowHandle, patched, workflowInfo } from '@temporalio/workflow';
import type { ChannelReservation } from '../../domain/channel-reservations';
import type { ActionPlan, PlanningContext } from '../../domain/plans';
import type { Policy } from '../../domain/policy';
import { burstNotes, reservations } from '../activity-proxies';
import { burstReplanWorkflowId, reserveChannelSignal, type ReserveChannel } from '../burst-replan/messages';
import type { ReservationAnswered } from './messages';
import type { ActiveChange, EventRun } from './run';

/** Choices made again after a refused reservation; the last is reserved whatever stands by then. */
const MAX_REFUSED_RESERVATIONS = 3;

type ReservationSettings = Policy['channelReservations'];

export class MoveReservation {
  /** The 20 MHz channels reserved for this event's move, if it reserved any. */
  private reserved: number[] = [];
  private attempts = 0;
  private answer?: ReservationAnswered;

  constructor(private readonly run: EventRun) {}

  /** Signal handler: the reservation book's answer. */
  onAnswer(answer: ReservationAnswered): void {
    this.answer = answer;
  }

  /** The event's plan, chosen counting the channels its neighbours' moves in flight have reserved. */
  async plan(ctx: PlanningContext): Promise<ActionPlan> {
    const settings = this.settings();
    if (!settings?.enabled) return this.run.planner.plan(ctx);
    // A move that may not wait (radar, by default) neither waits nor reserves: in a radar burst every
    // message more is CPU the burst's moves lack. It draws among ties, and lands in the scans at once.
    const answerWithinMs = this.answerWithinMs(settings);
    const blind = answerWithinMs === 0;
    let plan = this.run.planner.plan(blind ? { ...ctx, blind } : ctx);
    if (!this.channelsOf(plan).length) return plan; // no channel move: drawing and reserving change nothing
    // A run that planned before reservations existed (a replayed history) plans as it did then.
    if (!patched('channel-reservations')) return this.run.planner.plan(ctx);
    // A re-plan move saw its neighbours' moves: the joint plan chose them together.
    if (blind && this.run.event.type === 'JOINT_REPLAN') return plan;
    if (blind)
      return explained(plan, `neighbours' moves in flight not seen: not waited for (${this.run.severity})`);
    const deadline = Date.now() + answerWithinMs;
    let near: ChannelReservation[] = [];
    for (let refused = 0; ; refused++) {
      const channels = this.channelsOf(plan);
      if (!channels.length) {
        this.release(); // an earlier choice of this event reserved a channel it no longer moves to
        return plan;
      }
      const request = this.request(settings, channels, ctx, near);
      if (refused === MAX_REFUSED_RESERVATIONS) {
        this.reserveWhateverStands(request);
        return plan;
      }
      const answer = await this.reserve(request, deadline, answerWithinMs);
      if (typeof answer === 'string') return this.chooseBlind(settings, ctx, near, answer);
      if (answer.booked) {
        this.reserved = channels;
        return plan;
      }
      near = answer.near;
      plan = this.run.planner.plan({ ...ctx, reservations: near });
    }
  }

  /**
   * The move landed: the reservation ends, and a 5 GHz move counts for the joint re-plan of its burst
   * (a re-plan's own moves do not). Not waited for.
   */
  landed(change: ActiveChange): void {
    const { event, policy, severity } = this.run;
    // A policy read before the joint re-plan existed (a replayed history) has no such setting: off.
    const replan = (policy.jointReplan as Policy['jointReplan'] | undefined)?.enabled && event.radio === '5g';
    if (!this.reserved.length && (!replan || event.type === 'JOINT_REPLAN')) return;
    if (!this.run.channelsMovedOnto(change.applied.steps).length) return;
    this.reserved = [];
    const { eventId, apId, radio, type } = event;
    const moved = { eventId, apId, radio, severity, at: change.appliedAt, type };
    burstNotes.noteChannelChange(moved).catch(() => undefined); // retried until it lands
  }

  /** The move was given up (refused, came to nothing): its neighbours no longer count it. Not waited for. */
  release(): void {
    if (!this.reserved.length) return;
    this.reserved = [];
    burstNotes.releaseReservation(this.run.event.eventId).catch(() => undefined);
  }

  /** Sends the reservation and waits for its answer until `deadline`; why there is none, if none came. */
  private async reserve(
    request: ReserveChannel,
    deadline: number,
    answerWithinMs: number,
  ): Promise<ReservationAnswered | string> {
    const attempt = ++this.attempts;
    const { workflowId } = workflowInfo();
    try {
      await reservations.reserveChannel({ ...request, answerTo: { workflowId, attempt } });
    } catch (err) {
      return `booking failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const late = `no answer within ${answerWithinMs} ms`;
    if (Date.now() >= deadline) return late; // nothing left of the time box: no timer to wait on
    const answered = () => (this.answer?.attempt === attempt ? this.answer : undefined);
    await condition(() => answered() !== undefined, deadline - Date.now());
    return answered() ?? late;
  }

  /**
   * No answer in time: the choice draws among the equally best channels (its neighbours, choosing
   * blind from the same scan, draw differently) and is reserved without waiting, for those still to come.
   */
  private chooseBlind(
    settings: ReservationSettings,
    ctx: PlanningContext,
    near: ChannelReservation[],
    why: string,
  ): ActionPlan {
    const plan = this.run.planner.plan({ ...ctx, reservations: near, blind: true });
    const channels = this.channelsOf(plan);
    if (channels.length) this.reserveWhateverStands(this.request(settings, channels, ctx, near));
    return explained(plan, `neighbours' moves in flight not seen: ${why}`);
  }

  /**
   * Reserves the choice whatever stands, without waiting: the move goes ahead, its neighbours still
   * count it. Signalled straight from the workflow (no activity: this is on every radar move of a
   * burst); only when the book's workflow is not running does an activity start it with the reservation.
   */
  private reserveWhateverStands(request: ReserveChannel): void {
    this.reserved = request.channels;
    const { seen: _, ...whateverStands } = request;
    getExternalWorkflowHandle(burstReplanWorkflowId(workflowInfo().taskQueue))
      .signal(reserveChannelSignal, whateverStands)
      .catch(() => burstNotes.reserveChannel(whateverStands)) // retried until it lands
      .catch(() => undefined);
  }

  private request(
    settings: ReservationSettings,
    channels: number[],
    ctx: PlanningContext,
    seen: ChannelReservation[],
  ): ReserveChannel {
    const { event } = this.run;
    return {
      eventId: event.eventId,
      apId: event.apId,
      radio: event.radio,
      channels,
      until: Date.now() + settings.ttlMs,
      neighbours: ctx.ap.neighbors,
      seen: seen.map(({ eventId, channels: c }) => ({ eventId, channels: c })),
    };
  }

  /** The policy's settings; absent in a policy read before reservations existed (a replayed history). */
  private settings(): ReservationSettings | undefined {
    return this.run.policy.channelReservations as ReservationSettings | undefined;
  }

  /**
   * How long this event's move may wait for a reservation's answer. A re-plan move waits for none:
   * the reservation book's own workflow chose its channel together with its neighbours'.
   */
  private answerWithinMs(settings: ReservationSettings): number {
    if (this.run.event.type === 'JOINT_REPLAN') return 0;
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
