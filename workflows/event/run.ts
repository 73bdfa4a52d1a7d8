// One event's run: its status, its policy, its turns and the change it put on the network. Every
// change to that state is a method here (enter a stage, plan around closed channels, apply, sign an
// audit record, finish); the stages (act.ts, reflex.ts, watch.ts, rollback.ts) decide, and rrmEvent
// (workflow.ts) strings them together.
import { patched, setCurrentDetails, uuid4 } from '@temporalio/workflow';
import type { RrmEvent } from '../../domain/events';
import { effectiveSeverity, type EventPolicy, type Policy } from '../../domain/policy';
import { PLANNERS, type ActionPlan, type Planner } from '../../domain/plans';
import type { TurnScope } from '../../domain/change-decisions';
import { movedOff, movedOnto, radarChannelOf, rollbackForbidden } from '../../domain/dfs';
import { changesOf, type ControllerStep } from '../../domain/controller-steps';
import { monitorWindowEnd, type DegradationFinding } from '../../domain/rollback-rules';
import type { ConfigurationChange } from '../../domain/radio';
import type { Severity } from '../../domain/event-types';
import type { RegulatoryDomain } from '../../domain/regulatory';
import type { ClosedChannel, WatchRequest } from '../../domain/radio-turns';
import type { AuditEntry } from '../../audit';
import type { MonitorSample } from '../../activities/controller';
import { audit } from '../activity-proxies';
import { Alarms } from '../alarms';
import type { AppliedSteps } from '../controller-saga';
import { loopMetrics } from '../metrics';
import { searchAttributes, type OperatorAction } from './messages';
import { OperatorControls } from './operator-controls';
import { MoveReservation } from './reservation';
import { SearchAttributeBatch } from './search-attributes';
import type { EventStatus, Outcome, Stage } from './status';
import { EventTurns } from './turns';

/** What a change put on the network, and what it is judged against. */
export interface AppliedChange {
  plan: ActionPlan & { kind: 'change' };
  applied: AppliedSteps;
  baseline?: MonitorSample;
}

/** A change in place on the network, with its times: its monitor window runs from when the radio transmits. */
export interface ActiveChange extends AppliedChange {
  /** Epoch ms at which it was applied. */
  appliedAt: number;
  /** Epoch ms from which the changed radio transmits: after the CAC of a move onto an unchecked DFS channel. */
  servingFrom: number;
  /** Epoch ms at which the monitor window (and the watch) ends. */
  watchUntil: number;
}

export interface FinishOptions {
  degraded?: boolean;
  autoRollback?: boolean;
  executionStatus?: string;
  changes?: ConfigurationChange[];
  operator?: string;
  /** Extra context for the audit record's details, beside the findings. */
  details?: Record<string, unknown>;
}

export type AuditNote = Partial<AuditEntry> & Pick<AuditEntry, 'executionStatus' | 'reason'>;

export class EventRun {
  readonly eventPolicy: EventPolicy;
  readonly severity: Severity;
  readonly planner: Planner;
  readonly turns: EventTurns;
  /** The channel its move reserves, so neighbours planning at the same time count it. */
  readonly reservation = new MoveReservation(this);
  readonly controls: OperatorControls;
  /** Timers waited on but never cancelled (workflows/alarms.ts). */
  readonly alarms = new Alarms();
  private readonly visibility = new SearchAttributeBatch();
  private _regulatoryDomain: RegulatoryDomain;
  private _scope: TurnScope = [];
  private active?: ActiveChange;
  private _lastChangeAt: number | null = null;
  private _closedChannels: number[] = [];
  private _closuresRead: ClosedChannel[] = [];
  private _tokenExpiresAt = 0;
  private auditSeq = 0;
  /** Decisions that must not wait for the audit store (a radar closure): signed with the next record. */
  private unsigned: AuditEntry[] = [];

  /**
   * `readsClosureTable`: whether its plans read the closure table (runs begun before it read only
   * the closures their coordinator grants: docs/upgrades.md).
   */
  constructor(
    readonly event: RrmEvent,
    readonly status: EventStatus,
    readonly policy: Policy,
    readonly readsClosureTable: boolean,
  ) {
    this.eventPolicy = policy.events[event.type];
    this.severity = status.severity = effectiveSeverity(policy, event.type, event.severity);
    this.planner = PLANNERS[event.type];
    this._regulatoryDomain = policy.regulatoryDomain;
    const { idleTimeoutMs, continueAsNewAfterEvents, leaseMs } = policy.coordinator;
    this.turns = new EventTurns(
      {
        eventId: event.eventId,
        type: event.type,
        severity: this.severity,
        detectedAt: event.detectedAt,
        bypassesCooldown: this.eventPolicy.bypassesCooldown,
        channel: 'channel' in event.data ? event.data.channel : undefined,
        takesOver: event.type === 'JOINT_REPLAN' ? event.data.follows : undefined,
      },
      {
        settings: { cooldownMs: policy.cooldownMs, maxQueue: policy.maxQueuePerAp, leaseMs },
        idleTimeoutMs,
        continueAsNewAfterEvents,
      },
    );
    this.controls = new OperatorControls(status, {
      rollbackUnavailable: () => this.rollbackUnavailable(),
      awaitingOperator: () => this.awaitingOperator(),
    });
    // The client set these at start; the worker's policy may give the event another severity.
    this.visibility.set(searchAttributes.apId, event.apId);
    this.visibility.set(searchAttributes.eventType, event.type);
    this.visibility.set(searchAttributes.severity, this.severity);
  }

  get own(): { apId: string; radio: RrmEvent['radio'] } {
    return { apId: this.event.apId, radio: this.event.radio };
  }

  /** The AP's regulatory domain: the policy's until the controller names the AP's. */
  get regulatoryDomain(): RegulatoryDomain {
    return this._regulatoryDomain;
  }

  /** The radios this event's action changes (its turns). */
  get scope(): TurnScope {
    return this._scope;
  }

  /** The change this event has in place on the network, if any. */
  get change(): ActiveChange | undefined {
    return this.active;
  }

  /** Epoch ms of the last configuration change this event made: the radios' cooldown runs from it. */
  get lastChangeAt(): number | null {
    return this._lastChangeAt;
  }

  /** Channels of the event's radio that must stay closed to it (radar), as its latest plan saw them. */
  get closedChannels(): number[] {
    return this._closedChannels;
  }

  /** The radio's closures in the closure table, as its latest plan read them (named in its audit). */
  get closuresRead(): ClosedChannel[] {
    return this._closuresRead;
  }

  /** Epoch ms at which the rollback token expires (0 before it is issued). */
  get tokenExpiresAt(): number {
    return this._tokenExpiresAt;
  }

  /** The 20 MHz channels `steps` move the event's own radio onto (none when they move no channel). */
  channelsMovedOnto(steps: ControllerStep[]): number[] {
    return movedOnto(steps, this.event.apId, this.event.radio, this.regulatoryDomain);
  }

  /** Read through a getter: the outcome changes behind awaits, which TypeScript's narrowing cannot see. */
  get outcome(): Outcome | undefined {
    return this.status.outcome;
  }

  /** A FAILED apply waits for an operator to retry or abandon it. */
  awaitingOperator(): boolean {
    return this.status.outcome === 'FAILED' && this.status.stage === 'apply';
  }

  private rollbackUnavailable(): string | undefined {
    const { status } = this;
    if (!status.rollbackToken || !this.active) return 'no change of this event can be rolled back';
    if (status.outcome === 'ROLLED_BACK') return 'already rolled back';
    if (status.outcome !== undefined && Date.now() >= this._tokenExpiresAt)
      return 'the rollback token has expired';
    if (status.stage !== 'monitor' && status.outcome === undefined)
      return `not now: the event is in stage ${status.stage}`;
    return undefined;
  }

  /** Why undoing `change` now would put a radio back on a radar-closed channel, or undefined. */
  rollbackForbidden(change: ActiveChange): string | undefined {
    const closed = [...this.closedChannels, ...this.turns.closedChannels(this.event.apId, this.event.radio)];
    return rollbackForbidden(change.applied.steps, closed, this.regulatoryDomain);
  }

  /**
   * The watch `change` leaves on its radio: until its window ends, over the channel it moved to; the
   * channel it moved off answers the events about it (docs/coordination.md, "When the premise is gone").
   */
  watchOf(change: ActiveChange): (WatchRequest & { apId: string }) | undefined {
    if (this.eventPolicy.monitorWindowMs === 0) return undefined;
    const { apId, radio } = this.own;
    const { steps } = change.applied;
    const movedOffChannels = movedOff(steps, apId, radio, this.regulatoryDomain);
    return {
      apId,
      radio,
      until: change.watchUntil,
      channels: this.channelsMovedOnto(steps),
      movedOff: movedOffChannels,
    };
  }

  enter(stage: Stage): void {
    this.status.stage = stage;
    this.visibility.set(searchAttributes.stage, stage);
    const { type, apId } = this.event;
    const outcome = this.status.outcome ? `, ${this.status.outcome}` : '';
    setCurrentDetails(`${type} on ${apId} (${this.severity}): ${stage}${outcome}`);
  }

  /** The radios whose turns this event's action takes. */
  actsOn(scope: TurnScope): void {
    this._scope = scope;
  }

  /** Its turns were granted, `askedAt` after it asked; `heldBackBy` names a watch it waited for. */
  turnsGranted(askedAt: number): void {
    this.status.waitedForWatchOf = this.turns.heldBackBy;
    loopMetrics.turnGranted(this.event.type, this.severity, Date.now() - askedAt);
  }

  /**
   * What the plan is made around: the AP's regulatory domain, the channels closed to the radio and
   * the closure table's rows behind them (when it read them).
   */
  planAround(around: {
    regulatoryDomain?: RegulatoryDomain;
    closedChannels: number[];
    closuresRead?: ClosedChannel[];
  }): void {
    this._regulatoryDomain = around.regulatoryDomain ?? this._regulatoryDomain;
    this._closedChannels = around.closedChannels;
    this._closuresRead = around.closuresRead ?? this._closuresRead;
  }

  /** A change is on the network: the cooldown runs from now, the monitor window from when the radio transmits. */
  changeApplied(applied: AppliedChange): ActiveChange {
    // Runs that applied a CAC move before the window waited for the CAC replay without it (docs/upgrades.md).
    const cacMs = applied.plan.cacMs && patched('monitor-window-after-cac') ? applied.plan.cacMs : 0;
    const appliedAt = (this._lastChangeAt = Date.now());
    const servingFrom = appliedAt + cacMs;
    this.status.cacUntil = cacMs > 0 ? new Date(servingFrom).toISOString() : undefined;
    const watchUntil = monitorWindowEnd(appliedAt, this.eventPolicy.monitorWindowMs, cacMs);
    this.active = { ...applied, appliedAt, servingFrom, watchUntil };
    return this.active;
  }

  /** The change was undone (or lifted): the radios cool down from now. */
  changeUndone(): void {
    this._lastChangeAt = Date.now();
  }

  /** A monitor sample judged against the baseline. */
  sampled(): void {
    this.status.samples++;
  }

  /** The samples showed the network worse than its baseline. */
  degradationFound(findings: DegradationFinding[]): void {
    this.status.findings = findings;
  }

  /**
   * Signs the change on the network (APPLIED), naming the radar closures it was planned around (the
   * AP's own detections and its neighbours') with their detection; its rollback token starts.
   */
  async signApplied(
    change: ActiveChange,
    closures: ClosedChannel[],
    extra?: Record<string, unknown>,
  ): Promise<void> {
    const { status, eventPolicy } = this;
    status.appliedAt = new Date(change.appliedAt).toISOString();
    status.actionType = change.plan.actionType;
    status.changes = changesOf(change.applied.steps, this.own);
    if (eventPolicy.rollbackTokenTtlMs > 0) {
      status.rollbackToken = uuid4();
      this._tokenExpiresAt = Date.now() + eventPolicy.rollbackTokenTtlMs;
    }
    const details = {
      ...(change.plan.scores ? { scores: change.plan.scores } : {}),
      ...(closures.length ? { closures } : {}),
      ...extra,
    };
    await this.record({
      executionStatus: 'APPLIED',
      reason: change.plan.explanation,
      details: Object.keys(details).length ? details : undefined,
    });
    this.reservation.landed(change);
  }

  /** A radar move's degraded channel was chosen afresh: signed, with the token undoing the whole move. */
  async signReselection(change: ActiveChange): Promise<void> {
    this.status.changes = changesOf(change.applied.steps, this.own);
    this.status.findings = [];
    await this.record({
      executionStatus: 'APPLIED',
      degradationDetected: true,
      reason: `new channel degraded after the radar move; fresh selection: ${change.plan.explanation}`,
      details: change.plan.scores ? { scores: change.plan.scores } : undefined,
    });
  }

  /** Lifting a change is its natural end: nothing is left to roll back. */
  endRollbackToken(): void {
    this.status.rollbackToken = undefined;
  }

  /**
   * Signs one decision or change into the audit trail, after those left to `signLater`, in order and
   * in one call; the keys make retries and replays write once.
   */
  async record(entry: AuditNote): Promise<void> {
    const entries = [...this.unsigned, this.entryOf(entry)];
    this.unsigned = [];
    await audit.recordAudits(entries);
  }

  /** A decision the next step must not wait on: signed, in its place, with the next record. */
  signLater(entry: AuditNote): void {
    this.unsigned.push(this.entryOf(entry));
  }
  /**
   * The radar's bonded channels close for the Non-Occupancy Period (on `neighbours` too): signed with
   * the next record, since the move must not wait for the audit store.
   */
  signClosure(channels: number[], until: number, neighbours: string[]): void {
    this.status.closedChannels = channels;
    const at = new Date(until).toISOString();
    const alsoFor = neighbours.length ? ` (also for its neighbours ${neighbours.join(', ')})` : '';
    this.signLater({
      actionType: 'NON_OCCUPANCY',
      executionStatus: 'CHANNELS_CLOSED',
      reason: `radar on channel ${radarChannelOf(this.event)}: channels ${channels.join(', ')} closed until ${at}${alsoFor}`,
      configurationChanges: [],
      details: { closedChannels: channels, until: at, neighbours },
    });
  }

  private entryOf(entry: AuditNote): AuditEntry {
    this.auditSeq++;
    const { event, status } = this;
    return {
      eventId: event.eventId,
      eventType: event.type,
      severity: this.severity,
      apId: event.apId,
      actionType: status.actionType ?? 'NONE',
      configurationChanges: status.changes,
      rollbackToken: status.rollbackToken ?? null,
      // The policy row's automatic rollback; an operator's undo needs a live rollback token.
      rollbackEligible: this.eventPolicy.autoRollback,
      manualRollbackEligible:
        status.rollbackToken !== undefined &&
        status.outcome !== 'ROLLED_BACK' &&
        entry.executionStatus !== 'ROLLED_BACK',
      confidence: event.confidence,
      degradationDetected: false,
      autoRollbackTriggered: false,
      idempotencyKey: `${event.eventId}:${this.auditSeq}:${entry.executionStatus}`,
      ...entry,
    };
  }

  /** The outcome shows in `status` once its audit record is signed: what an operator sees is on file. */
  async finish(outcome: Outcome, reason: string, opts: FinishOptions = {}): Promise<void> {
    const { status } = this;
    await this.record({
      executionStatus: opts.executionStatus ?? outcome,
      reason,
      degradationDetected: opts.degraded ?? false,
      autoRollbackTriggered: opts.autoRollback ?? false,
      configurationChanges:
        opts.changes ?? (outcome === 'APPLIED' || outcome === 'SUPERSEDED' ? status.changes : []),
      operator: opts.operator,
      details:
        status.findings.length || opts.details
          ? { ...(status.findings.length ? { findings: status.findings } : {}), ...opts.details }
          : undefined,
    });
    status.outcome = outcome;
    status.reason = reason;
    status.decidedAt = new Date().toISOString();
    const rollback = outcome === 'ROLLED_BACK' ? (opts.operator ? 'manual' : 'automatic') : undefined;
    loopMetrics.eventDecided(this.event.type, outcome, rollback);
    status.stage = 'done';
    this.visibility.set(searchAttributes.stage, 'done');
    this.visibility.set(searchAttributes.outcome, outcome);
    setCurrentDetails(`${outcome}: ${reason}`);
  }

  /** FAILED with the stage left at 'apply': waiting for an operator to retry or abandon. */
  async failApply(reason: string): Promise<void> {
    await this.finish('FAILED', reason, { changes: [] });
    this.enter('apply');
  }

  /** Waits for an operator's decision on a FAILED apply; true to try again. */
  async retryAfterFailure(): Promise<boolean> {
    const decision = await this.controls.failedDecided();
    const { operator } = decision.action;
    if (decision.kind === 'abandon') {
      await this.finish('ABANDONED', `abandoned by ${operator}${because(decision.action)}`, { operator });
    } else {
      await this.record({
        executionStatus: 'RETRY',
        reason: `retry requested by ${operator}${because(decision.action)}`,
        operator,
      });
      this.status.outcome = undefined;
      this.status.reason = undefined;
      this.visibility.set(searchAttributes.outcome, null);
    }
    this.controls.failedDecisionDone();
    return decision.kind === 'retry';
  }
}

export function because(action: OperatorAction): string {
  return action.reason ? `: ${action.reason}` : '';
}
