// An AP coordinator's state and every change to it (docs/coordination.md): the turns of the AP's
// radios, their watches and cooldowns, and the AP's closed channels. The rules are pure functions in
// domain/radio-turns.ts; this class applies them, tells event workflows what they were granted (or
// that they were dropped or superseded), checks on holders whose lease ran out and reclaims what a
// vanished workflow held.
import { getExternalWorkflowHandle, log, patched, setCurrentDetails } from '@temporalio/workflow';
import * as turns from '../../domain/radio-turns';
import { RADIOS } from '../../domain/regulatory';
import { audit, coordination } from '../activity-proxies';
import { Alarms } from '../alarms';
import {
  eventWorkflowId,
  premiseGoneSignal,
  supersededSignal,
  turnDroppedSignal,
  turnGrantedSignal,
} from '../event/messages';
import type { CloseChannels, RadarMoved, ReleaseTurn, TurnAnswer } from './messages';

export class Coordinator {
  /** Set by every message; cleared as a pass begins, so no message is slept through. */
  private signalled = false;
  /** Timers waited on but never cancelled (workflows/alarms.ts). */
  private readonly alarms = new Alarms();
  /** Reclaim audits are written in the background: a turn never waits for the audit store. */
  private readonly audits: Promise<unknown>[] = [];

  constructor(private state: turns.ApTurnState) {}

  // --- message handlers ---

  /** A request answered at once: granted when the radios are free, else queued (or dropped). */
  requestTurn(request: turns.TurnRequest): TurnAnswer {
    this.changed(this.grantWhatIsFree(turns.request(this.state, request, Date.now())));
    const { state: next, answer } = turns.takeAnswer(this.state, request.eventId);
    this.state = next;
    const { apId } = this.state;
    if (!answer) return { kind: 'queued', apId };
    const { eventId: _, ...told } = answer;
    return { ...told, apId };
  }

  /** A request sent by signal (older builds): queued, answered by signal. */
  queueTurn(request: turns.TurnRequest): void {
    this.changed(turns.request(this.state, request, Date.now()));
  }

  releaseTurn({ lastChangeAt, watch, ...party }: ReleaseTurn): void {
    this.changed(turns.release(this.state, party, lastChangeAt, Date.now(), watch));
  }

  endWatch({ eventId }: { eventId: string }): void {
    this.changed(turns.endWatch(this.state, eventId));
  }

  closeChannels({ eventId, radio, channels, until, heardBy }: CloseChannels): void {
    this.changed(turns.closeChannels(this.state, radio, channels, until, eventId, heardBy));
  }

  radarMoved({ closure, ...move }: RadarMoved): void {
    const closed = closure
      ? turns.closeChannels(this.state, closure.radio, closure.channels, closure.until, closure.eventId)
      : this.state;
    this.changed(turns.radarMoved(closed, move, Date.now()));
  }

  view(): turns.ApTurnView {
    return turns.viewOf(this.state);
  }

  // --- for the workflow's loop ---

  /** The state continue-as-new carries over. */
  get carried(): turns.ApTurnState {
    return this.state;
  }

  /** Nothing queued, held, watched or closed. */
  isIdle(): boolean {
    return turns.isIdle(this.state);
  }

  /** The next time something runs out (a closure, a watch, a cooldown, a lease), if anything will. */
  nextDeadline(now: number): number | undefined {
    return turns.nextDeadline(this.state, now);
  }

  /**
   * Expires, grants, delivers and checks leases until nothing more can happen without a message; a
   * message from here on wakes the next wait.
   */
  async settle(): Promise<void> {
    this.signalled = false;
    for (;;) {
      this.state = this.grantWhatIsFree(this.state);
      const { state: next, notices } = turns.takeOutbox(this.state);
      this.state = next;
      const due = turns.leasesDue(this.state, Date.now());
      if (notices.length === 0 && due.length === 0) return;
      await Promise.all([...notices.map((n) => this.deliver(n)), ...due.map((e) => this.checkLease(e))]);
    }
  }

  /** Waits for a message, or until `wakeAt` (epoch ms) when given. */
  async waitForMessage(wakeAt: number | undefined): Promise<void> {
    await this.alarms.until(() => this.signalled, wakeAt);
  }

  /** The reclaim audits still in flight: awaited before continue-as-new and at the end. */
  async auditsWritten(): Promise<void> {
    await Promise.all(this.audits);
  }

  /** What the Web UI shows for the coordinator: who holds and watches which radio, what is closed. */
  describe(): void {
    const radios = RADIOS.map((r) => {
      const { holder, watch } = this.state.radios[r];
      const parts = [holder && `held by ${holder.eventId}`, watch && `watched by ${watch.eventId}`].filter(
        Boolean,
      );
      return parts.length ? `${r}: ${parts.join(', ')}` : undefined;
    }).filter(Boolean);
    const closed = this.state.closedChannels.map((c) => c.channel).join(', ') || 'none';
    setCurrentDetails(
      `${radios.join('; ') || 'all radios free'}; waiting: ${this.state.queue.length}; closed channels: ${closed}`,
    );
  }

  /** Ends what has run out (closures, watches), then grants every turn that is free for a waiter. */
  private grantWhatIsFree(state: turns.ApTurnState): turns.ApTurnState {
    const now = Date.now();
    // Coordinators are AUTO_UPGRADE: one that began on an earlier build keeps its rules (replay).
    const rules = { answerGonePremises: patched(PREMISE_GONE_PATCH) };
    return turns.grantReady(turns.expire(state, now), now, rules);
  }

  private changed(next: turns.ApTurnState): void {
    this.signalled = true;
    this.state = next;
  }

  private async deliver(notice: turns.TurnNotice): Promise<void> {
    const handle = getExternalWorkflowHandle(eventWorkflowId(notice.eventId));
    try {
      const { eventId: _, ...told } = notice;
      const { apId } = this.state;
      if (told.kind === 'granted') await handle.signal(turnGrantedSignal, { ...told, apId });
      else if (told.kind === 'dropped') await handle.signal(turnDroppedSignal, { ...told, apId });
      else if (told.kind === 'premise-gone') await handle.signal(premiseGoneSignal, { ...told, apId });
      else await handle.signal(supersededSignal, { ...told, apId });
    } catch (err) {
      // The event workflow has closed (terminated, timed out, reset away): what it held passes on.
      if (notice.kind === 'granted' || notice.kind === 'superseded')
        this.takeBack(notice.eventId, `did not answer a ${notice.kind} signal`);
      log.warn('event workflow gone', { eventId: notice.eventId, error: String(err) });
    }
  }

  /** A holder's lease ran out (or a watch keeps someone waiting): is its workflow still running? */
  private async checkLease(eventId: string): Promise<void> {
    const status = await coordination.eventRunStatus(eventId);
    if (status === 'RUNNING') this.state = turns.renewLease(this.state, eventId, Date.now());
    else this.takeBack(eventId, `workflow ${status}`);
  }

  private takeBack(eventId: string, why: string): void {
    const { state: next, reclaimed } = turns.reclaim(this.state, eventId);
    this.state = next;
    if (!reclaimed) return;
    const what = [
      ...reclaimed.held.map((r) => `turn of ${r}`),
      ...reclaimed.watched.map((r) => `watch of ${r}`),
    ].join(', ');
    const { party } = reclaimed;
    const { apId } = this.state;
    // Detached on purpose (awaited before continue-as-new and at the end): see `audits`.
    this.audits.push(
      audit.recordAudit({
        eventId: party.eventId,
        eventType: party.type,
        severity: party.severity,
        apId,
        actionType: 'TURN',
        configurationChanges: [],
        rollbackToken: null,
        rollbackEligible: false,
        manualRollbackEligible: false,
        confidence: 1,
        executionStatus: 'TURN_RECLAIMED',
        reason: `${what} reclaimed from ${eventWorkflowId(party.eventId)}: ${why}`,
        degradationDetected: false,
        autoRollbackTriggered: false,
        details: { holder: party.eventId, status: why, held: reclaimed.held, watched: reclaimed.watched },
        idempotencyKey: `${apId}:reclaim:${party.eventId}:${Date.now()}`,
      }),
    );
  }
}

/** Requests whose premise a watcher's move took away are answered at once (docs/coordination.md). */
const PREMISE_GONE_PATCH = 'premise-gone-answered';
