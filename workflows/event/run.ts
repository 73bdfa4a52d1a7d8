// One event's run: its status, its policy, its turns and the change it put on the network, with
// the few verbs every stage uses (enter a stage, sign an audit record, finish). The stages
// (act.ts, watch.ts, rollback.ts) work on it; rrmEvent strings them together.
import { condition, patched, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { RrmEvent } from '../../domain/events';
import {
  DEFAULT_EVENT_POLICIES,
  effectiveSeverity,
  type EventPolicy,
  type Policy,
} from '../../domain/policy';
import { PLANNERS, type ActionPlan, type Planner } from '../../domain/plans';
import type { TurnScope } from '../../domain/change-decisions';
import { movedOnto, radarChannelOf, rollbackForbidden } from '../../domain/dfs';
import type { ControllerStep } from '../../domain/controller-steps';
import { monitorWindowEnd } from '../../domain/rollback-rules';
import type { ConfigurationChange } from '../../domain/radio';
import type { Severity } from '../../domain/event-types';
import type { RegulatoryDomain } from '../../domain/regulatory';
import type { ClosedChannel } from '../../domain/radio-turns';
import type { AuditEntry } from '../../audit';
import type { MonitorSample } from '../../activities/controller';
import { audit, policy } from '../activity-proxies';
import type { AppliedSteps } from '../controller-saga';
import { eventStatusQuery, searchAttributes, type OperatorAction } from '../definitions';
import type { EventStatus, Outcome, Stage } from '../event-status';
import { registerOperatorControls, type OperatorInbox } from '../operator-controls';
import { Alarms } from '../alarms';
import { loopMetrics } from '../metrics';
import { SearchAttributeBatch } from './search-attributes';
import { EventTurns } from './turns';
import { ChannelBooking } from './booking';

/** A change in place on the network, and what it is judged against. */
export interface ActiveChange {
  plan: ActionPlan & { kind: 'change' };
  applied: AppliedSteps;
  baseline?: MonitorSample;
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
  /** The channel its move books, so neighbours planning at the same time see it. */
  readonly booking = new ChannelBooking(this);
  readonly inbox: OperatorInbox;
  /** Timers waited on but never cancelled (workflows/alarms.ts). */
  readonly alarms = new Alarms();
  private readonly visibility = new SearchAttributeBatch();
  regulatoryDomain: RegulatoryDomain;
  /** The radios this event's action changes (its turns). */
  scope: TurnScope = [];
  active?: ActiveChange;
  /** Epoch ms of the last configuration change this event made: the radios' cooldown runs from it. */
  lastChangeAt: number | null = null;
  /** Channels of the event's radio that must stay closed to it (radar). */
  blocked: number[] = [];
  /** Whether its plans read the closure table (runs begun before it read only the coordinator's closures). */
  readsClosureTable = false;
  /** The radio's closures in the closure table, as its latest plan read them (named in its audit). */
  closuresRead: ClosedChannel[] = [];
  /** Epoch ms from which the changed radio transmits: after the CAC of a move onto an unchecked DFS channel. */
  servingFrom = 0;
  /** Epoch ms at which the monitor window (and the watch) ends. */
  watchUntil = 0;
  tokenExpiresAt = 0;
  private auditSeq = 0;
  /** Decisions that must not wait for the audit store (a radar closure): signed with the next record. */
  private unsigned: AuditEntry[] = [];

  /**
   * Answers `status` from the first moment, then takes the worker's policy: as `rules` gives it
   * (the radar reflex reads it in its move), else read through a local activity.
   */
  static async start(event: RrmEvent, rules?: Promise<Policy>): Promise<EventRun> {
    const status: EventStatus = {
      eventId: event.eventId,
      apId: event.apId,
      type: event.type,
      // The table's default until the worker's policy is loaded.
      severity: event.severity ?? DEFAULT_EVENT_POLICIES[event.type].severity,
      stage: 'validate',
      changes: [],
      samples: 0,
      findings: [],
      closedChannels: [],
    };
    setHandler(eventStatusQuery, () => status);
    return new EventRun(event, status, await (rules ?? policy.currentPolicy()));
  }

  private constructor(
    readonly event: RrmEvent,
    readonly status: EventStatus,
    readonly rules: Policy,
  ) {
    this.eventPolicy = rules.events[event.type];
    this.severity = status.severity = effectiveSeverity(rules, event.type, event.severity);
    this.planner = PLANNERS[event.type];
    this.regulatoryDomain = rules.regulatoryDomain;
    const { idleTimeoutMs, continueAsNewAfterEvents, leaseMs } = rules.coordinator;
    this.turns = new EventTurns(
      {
        eventId: event.eventId,
        type: event.type,
        severity: this.severity,
        detectedAt: event.detectedAt,
        bypassesCooldown: this.eventPolicy.bypassesCooldown,
        channel: 'channel' in event.data ? event.data.channel : undefined,
      },
      {
        settings: { cooldownMs: rules.cooldownMs, maxQueue: rules.maxQueuePerAp, leaseMs },
        idleTimeoutMs,
        continueAsNewAfterEvents,
      },
    );
    this.inbox = registerOperatorControls(status, {
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
    if (status.outcome !== undefined && Date.now() >= this.tokenExpiresAt)
      return 'the rollback token has expired';
    if (status.stage !== 'monitor' && status.outcome === undefined)
      return `not now: the event is in stage ${status.stage}`;
    return undefined;
  }

  /** Why undoing the change now would put a radio back on a radar-closed channel, or undefined. */
  rollbackForbidden(): string | undefined {
    const closed = [...this.blocked, ...this.turns.closedChannels(this.event.apId, this.event.radio)];
    return rollbackForbidden(this.active!.applied.steps, closed, this.regulatoryDomain);
  }

  /** A change is on the network: the cooldown runs from now, the monitor window from when the radio transmits. */
  changeApplied(active: ActiveChange): void {
    // Runs that applied a CAC move before the window waited for the CAC replay without it (docs/upgrades.md).
    const cacMs = active.plan.cacMs && patched('monitor-window-after-cac') ? active.plan.cacMs : 0;
    this.active = active;
    this.lastChangeAt = Date.now();
    this.servingFrom = this.lastChangeAt + cacMs;
    this.status.cacUntil = cacMs > 0 ? new Date(this.servingFrom).toISOString() : undefined;
    this.watchUntil = monitorWindowEnd(this.lastChangeAt, this.eventPolicy.monitorWindowMs, cacMs);
  }

  enter(stage: Stage): void {
    this.status.stage = stage;
    this.visibility.set(searchAttributes.stage, stage);
    const { type, apId } = this.event;
    const outcome = this.status.outcome ? `, ${this.status.outcome}` : '';
    setCurrentDetails(`${type} on ${apId} (${this.severity}): ${stage}${outcome}`);
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
    const { inbox } = this;
    await condition(() => inbox.failedDecision !== undefined);
    const decision = inbox.failedDecision!;
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
    decision.done = true;
    this.inbox.failedDecision = undefined;
    return decision.kind === 'retry';
  }
}

export function because(action: OperatorAction): string {
  return action.reason ? `: ${action.reason}` : '';
}
