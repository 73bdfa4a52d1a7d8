// rrmEvent (`event:<eventId>`): one network event, from validation to done. It reads as the policy
// says: validate, wait for the AP's turn, plan, take a baseline, apply, monitor, roll back if the
// network got worse, and sign every decision into the audit trail on the way. An applied change
// then stays answerable to a manual rollback while its rollback token lives.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { RrmEvent } from '../domain/events';
import { DEFAULT_EVENT_POLICIES, effectiveSeverity } from '../domain/policy';
import { PLANNERS, radarClosedChannels, type ActionPlan, type PlanningContext } from '../domain/plans';
import { changesOf, configuredAps, type ControllerStep } from '../domain/controller-steps';
import { radioOf, type ApSnapshot, type ConfigurationChange, type RadioSnapshot } from '../domain/radio';
import { bondedSubchannels } from '../domain/regulatory';
import { initialMonitorVerdict, observeSample } from '../domain/rollback-rules';
import type { AuditEntry } from '../activities/audit';
import type { MonitorSample } from '../activities/controller';
import { audit, controllerReads, policy } from './activities';
import { ApTurns } from './ap-turns';
import { applySteps, failureReason, undoSteps, type AppliedSteps } from './controller-saga';
import {
  apCoordinatorWorkflowId,
  closeChannelsSignal,
  eventStatusQuery,
  preemptSignal,
  searchAttributes,
  type OperatorAction,
  type Preemption,
} from './definitions';
import type { EventStatus, Outcome, Stage } from './event-status';
import { registerOperatorControls } from './operator-controls';

/** Fresh channel selections a radar move may make when its new channel degrades. */
const MAX_RADAR_RESELECTIONS = 2;
/** Re-plans after the controller reports the AP's configuration moved under us or radar on the choice. */
const MAX_VERSION_CONFLICTS = 3;

/** A change in place on the network, and what it is judged against. */
interface ActiveChange {
  plan: ActionPlan & { kind: 'change' };
  applied: AppliedSteps;
  baseline?: MonitorSample;
}

type MonitorVerdict =
  | { kind: 'healthy' }
  /** Density spike: associations fell back below the policy's rate. */
  | { kind: 'spike-over' }
  | { kind: 'committed'; operator: string }
  | { kind: 'degraded' }
  | { kind: 'superseded'; by: Preemption }
  | { kind: 'critical-on-new-channel'; by: Preemption }
  | { kind: 'manual-rollback'; action: OperatorAction };

export async function rrmEvent(event: RrmEvent): Promise<EventStatus> {
  const status: EventStatus = {
    eventId: event.eventId,
    apId: event.apId,
    type: event.type,
    // The table's default until the worker's policy is loaded: `status` answers from the first moment.
    severity: event.severity ?? DEFAULT_EVENT_POLICIES[event.type].severity,
    stage: 'validate',
    changes: [],
    samples: 0,
    findings: [],
    closedChannels: [],
  };
  setHandler(eventStatusQuery, () => status);

  const rules = await policy.currentPolicy();
  const eventPolicy = rules.events[event.type];
  const severity = (status.severity = effectiveSeverity(rules, event.type, event.severity));
  const planner = PLANNERS[event.type];
  const own = { apId: event.apId, radio: event.radio };
  let preemption: Preemption | undefined;
  let lastChangeAt: number | null = null;
  let active: ActiveChange | undefined;
  let tokenExpiresAt = 0;
  let auditSeq = 0;
  /** Read through a function: the outcome changes behind awaits, which TypeScript's narrowing cannot see. */
  const outcome = (): Outcome | undefined => status.outcome;
  let regulatoryDomain = rules.regulatoryDomain;

  const turns = new ApTurns(
    {
      eventId: event.eventId,
      type: event.type,
      radio: event.radio,
      severity,
      detectedAt: event.detectedAt,
      bypassesCooldown: eventPolicy.bypassesCooldown,
      channel: typeof event.data.channel === 'number' ? event.data.channel : undefined,
    },
    { cooldownMs: rules.cooldownMs, maxQueue: rules.maxQueuePerAp, ...rules.coordinator },
  );
  const inbox = registerOperatorControls(status, {
    rollbackUnavailable: () => {
      if (!status.rollbackToken || !active) return 'no change of this event can be rolled back';
      if (status.outcome === 'ROLLED_BACK') return 'already rolled back';
      if (status.outcome !== undefined && Date.now() >= tokenExpiresAt)
        return 'the rollback token has expired';
      if (status.stage !== 'monitor' && status.outcome === undefined)
        return `not now: the event is in stage ${status.stage}`;
      return undefined;
    },
    awaitingOperator: () => status.outcome === 'FAILED' && status.stage === 'apply',
  });
  setHandler(preemptSignal, (p) => void (preemption ??= p));
  upsertSearchAttributes([
    { key: searchAttributes.apId, value: event.apId },
    { key: searchAttributes.eventType, value: event.type },
    { key: searchAttributes.severity, value: severity },
  ]);

  // --- validate ---
  enter('validate');
  if (event.confidence < eventPolicy.minConfidence) {
    await finish(
      'REJECTED',
      `confidence ${event.confidence} is below the minimum ${eventPolicy.minConfidence}`,
    );
  } else {
    for (let attempt = 1; ; attempt++) {
      await takeTurnAndAct(attempt);
      if (!(status.outcome === 'FAILED' && status.stage === 'apply')) break;
      // A failed apply waits for an operator instead of failing the workflow.
      await condition(() => inbox.failedDecision !== undefined);
      const decision = inbox.failedDecision!;
      if (decision.kind === 'abandon') {
        await finish('ABANDONED', `abandoned by ${decision.action.operator}${because(decision.action)}`, {
          operator: decision.action.operator,
        });
      } else {
        await record({
          executionStatus: 'RETRY',
          reason: `retry requested by ${decision.action.operator}${because(decision.action)}`,
          operator: decision.action.operator,
        });
        status.outcome = undefined;
        status.reason = undefined;
        upsertSearchAttributes([{ key: searchAttributes.outcome, value: null }]);
      }
      decision.done = true;
      inbox.failedDecision = undefined;
      if (outcome() === 'ABANDONED') break;
    }
    await standByForManualRollback();
  }
  await condition(allHandlersFinished);
  return status;

  // ---------------------------------------------------------------------------------------------

  async function takeTurnAndAct(attempt: number): Promise<void> {
    try {
      await takeTurnAndActOnce(attempt);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // The controller stayed unreachable or refused a read: an operator decides what happens next.
      const reason = `controller: ${failureReason(err)}`;
      if (active) await finish('FAILED', `${reason}; the change is still applied`);
      else await failApply(reason);
    }
  }

  async function takeTurnAndActOnce(attempt: number): Promise<void> {
    enter('waiting');
    // Failover changes the neighbours too: their turns are taken with the AP's, in AP-id order.
    const scope =
      event.type === 'HW_FAILURE'
        ? [event.apId, ...(await controllerReads.readAp(event.apId)).neighbors]
        : [event.apId];
    if (!(await turns.acquire(scope))) {
      const { apId, waiting } = turns.dropped!;
      await finish(
        'REJECTED',
        `dropped: the queue of ${apId} is full (${waiting} more urgent events waiting)`,
      );
      return;
    }
    try {
      await actHoldingTheTurns(attempt, scope);
    } finally {
      await turns.releaseAll(lastChangeAt);
    }
  }

  async function actHoldingTheTurns(attempt: number, scope: string[]): Promise<void> {
    const ageMs = Date.now() - Date.parse(event.detectedAt);
    if (ageMs > eventPolicy.ttlMs) {
      return finish(
        'STALE',
        `event is ${Math.round(ageMs / 1000)} s old, past its ${eventPolicy.ttlMs / 1000} s TTL`,
      );
    }

    // --- plan ---
    enter('plan');
    let ap = await controllerReads.readAp(event.apId);
    regulatoryDomain = ap.regulatoryDomain;
    let radio = radioOf(ap, event.radio);
    if (!radio) return finish('REJECTED', `${event.apId} has no ${event.radio} radio`);
    const blocked = new Set(turns.closedChannels(event.apId));
    // Regulatory obligation first: the radar's bonded channel closes whatever the plan turns out to be.
    // The closure is sent and signed while the plan's readings come in (the Channel Move Time runs).
    const closing = event.type === 'DFS_RADAR' ? radarClosedChannels(Number(event.data.channel), radio) : [];
    closing.forEach((c) => blocked.add(c));
    const closure = closing.length ? closeForNonOccupancy(closing) : undefined;

    const avoid: number[] = [];
    for (let conflicts = 0; ; conflicts++) {
      const ctx = await settledWith(planningContext(ap, radio, [...blocked], avoid, scope), closure);
      const plan = planner.plan(ctx);
      if (plan.kind === 'no_action') return finish('NO_ACTION', plan.explanation);
      if (plan.kind === 'impossible') return failApply(plan.explanation);
      if (preemption)
        return finish('SUPERSEDED', `preempted by ${preemption.eventId} before applying; nothing changed`);

      enter('baseline');
      const baseline =
        eventPolicy.monitorWindowMs > 0
          ? await controllerReads.sampleRadio(event.apId, event.radio)
          : undefined;
      enter('apply');
      const result = await applySteps(
        plan.steps,
        versionsOf(ap, ctx.neighbours),
        `${event.eventId}:apply:${attempt}.${conflicts}`,
      );
      if (result.kind === 'unavailable' && result.channels.length && conflicts + 1 < MAX_VERSION_CONFLICTS) {
        // The controller saw radar there: choose again without those channels.
        avoid.push(...result.channels);
        enter('plan');
        continue;
      }
      if (result.kind === 'conflict' && conflicts + 1 < MAX_VERSION_CONFLICTS) {
        enter('plan');
        ap = await controllerReads.readAp(event.apId);
        radio = radioOf(ap, event.radio)!;
        continue;
      }
      if (result.kind !== 'applied') return failApply(`apply failed: ${result.reason}`);
      if (result.applied.steps.length === 0) {
        return finish('NO_ACTION', `${plan.explanation}; the controller moved none of the clients`);
      }
      lastChangeAt = Date.now();
      active = { plan, applied: result.applied, baseline };
      break;
    }

    status.appliedAt = new Date(lastChangeAt!).toISOString();
    status.actionType = active.plan.actionType;
    status.changes = changesOf(active.applied.steps, own);
    if (eventPolicy.rollbackTokenTtlMs > 0) {
      status.rollbackToken = uuid4();
      tokenExpiresAt = Date.now() + eventPolicy.rollbackTokenTtlMs;
    }
    await record({
      executionStatus: 'APPLIED',
      reason: active.plan.explanation,
      details: active.plan.scores ? { scores: active.plan.scores } : undefined,
    });
    await monitorAndConclude([...blocked]);
  }

  /** Watches the change and decides its fate: keep, re-select (radar), roll back, or hand over. */
  async function monitorAndConclude(blocked: number[]): Promise<void> {
    for (let reselections = 0; ; reselections++) {
      const verdict = await monitor();
      switch (verdict.kind) {
        case 'superseded':
          return finish(
            'SUPERSEDED',
            `preempted by ${verdict.by.eventId} (${verdict.by.severity}) at a safe point; the change stays`,
          );
        case 'committed':
          return finish('APPLIED', `committed by ${verdict.operator}`, {
            executionStatus: 'COMMITTED',
            operator: verdict.operator,
          });
        case 'manual-rollback': {
          await rollBack(`manual rollback by ${verdict.action.operator}${because(verdict.action)}`, {
            operator: verdict.action.operator,
          });
          const request = inbox.rollback!;
          if (status.outcome !== 'ROLLED_BACK') request.refusal = status.reason;
          request.done = true;
          return;
        }
        case 'spike-over':
          // Admission control ends with the spike: lifting the cap is its natural end, not a failure.
          return liftChange('spike over: admission cap lifted');
        case 'healthy':
          if (event.type === 'DENSITY_SPIKE') {
            return liftChange(
              `spike still on after ${eventPolicy.monitorWindowMs / 60_000} min: admission cap lifted at the window's end`,
            );
          }
          return finish('APPLIED', 'monitor window passed without degradation', {
            executionStatus: 'COMMITTED',
          });
        case 'critical-on-new-channel': {
          const why = `CRITICAL ${verdict.by.type} (${verdict.by.eventId}) on the new channel ${verdict.by.channel}`;
          const forbidden = rollbackForbidden(blocked);
          if (eventPolicy.autoRollback && !forbidden)
            return rollBack(`automatic rollback: ${why}`, { auto: true });
          // The old channel is closed (or rollback is off): the CRITICAL event selects afresh.
          return finish('SUPERSEDED', `${why}; ${forbidden ?? 'no automatic rollback'}: handing over to it`);
        }
        case 'degraded': {
          const degradation = status.findings.map((f) => f.change).join('; ');
          if (event.type === 'DFS_RADAR' && reselections < MAX_RADAR_RESELECTIONS) {
            // Never back onto the radar channel: choose afresh among the channels still open.
            if (await reselectAfterRadar(reselections + 1, blocked)) continue;
            return finish('APPLIED', `degraded (${degradation}) and no better open channel`, {
              degraded: true,
            });
          }
          if (eventPolicy.autoRollback) return rollBack(`automatic rollback: ${degradation}`, { auto: true });
          return finish('APPLIED', `degraded (${degradation}); automatic rollback is off for ${event.type}`, {
            degraded: true,
          });
        }
      }
    }
  }

  /** Samples through the window, waking early for preemption and operator controls. */
  async function monitor(): Promise<MonitorVerdict> {
    enter('monitor');
    const baseline = active!.baseline;
    let verdict = initialMonitorVerdict;
    const endsAt = Date.now() + eventPolicy.monitorWindowMs;
    for (;;) {
      if (preemption) {
        return onNewChannel(preemption)
          ? { kind: 'critical-on-new-channel', by: preemption }
          : { kind: 'superseded', by: preemption };
      }
      if (inbox.commit) return { kind: 'committed', operator: inbox.commit.operator };
      if (inbox.rollback && !inbox.rollback.done) {
        const refusal = rollbackForbidden(status.closedChannels.concat(turns.closedChannels(event.apId)));
        if (!refusal) return { kind: 'manual-rollback', action: inbox.rollback.action };
        inbox.rollback.refusal = refusal;
        inbox.rollback.done = true;
      }
      if (!baseline || Date.now() >= endsAt) return { kind: 'healthy' };
      const wait = Math.min(rules.sampleIntervalMs, endsAt - Date.now());
      const woken = await condition(
        () =>
          preemption !== undefined ||
          inbox.commit !== undefined ||
          (inbox.rollback !== undefined && !inbox.rollback.done),
        wait,
      );
      if (woken) continue;
      const sample = await readSample();
      if (!sample) continue; // a sample the controller could not give is neither healthy nor degraded
      status.samples++;
      if (
        event.type === 'DENSITY_SPIKE' &&
        sample.associationsPerMin < rules.density.spikeEndsBelowAssociationsPerMin
      ) {
        return { kind: 'spike-over' };
      }
      const observed = observeSample(verdict, baseline, sample, rules.rollbackThresholds);
      verdict = observed.state;
      if (observed.rollback) {
        status.findings = observed.findings;
        return { kind: 'degraded' };
      }
    }
  }

  async function readSample(): Promise<MonitorSample | undefined> {
    try {
      return await controllerReads.sampleRadio(event.apId, event.radio);
    } catch (err) {
      if (err instanceof ActivityFailure) return undefined;
      throw err;
    }
  }

  /** A CRITICAL event naming a channel inside the channel this action moved the radio to. */
  function onNewChannel(p: Preemption): boolean {
    const move = active?.applied.steps.find(
      (s): s is ControllerStep & { kind: 'radio' } =>
        s.kind === 'radio' && s.apId === event.apId && s.target.channel !== undefined,
    );
    if (!move || p.severity !== 'CRITICAL' || p.channel === undefined) return false;
    const { channel, width } = { ...move.from, ...move.target };
    return bondedSubchannels(event.radio, channel, width, regulatoryDomain).includes(p.channel);
  }

  /** Why undoing the change would break regulation (its old channel is closed), or undefined. */
  function rollbackForbidden(closed: number[]): string | undefined {
    for (const step of active?.applied.steps ?? []) {
      if (step.kind !== 'radio' || step.target.channel === undefined) continue;
      const old = bondedSubchannels(step.radio, step.from.channel, step.from.width, regulatoryDomain);
      const closedOld = old.filter((c) => closed.includes(c));
      if (closedOld.length) {
        return `channel ${step.from.channel} is radar-closed (Non-Occupancy Period on ${closedOld.join(', ')}); a rollback would put the radio back on it`;
      }
    }
    return undefined;
  }

  async function reselectAfterRadar(n: number, blocked: number[]): Promise<boolean> {
    enter('plan');
    const ap = await controllerReads.readAp(event.apId);
    const radio = radioOf(ap, event.radio)!;
    const ctx = await planningContext(ap, radio, blocked, [], [event.apId]);
    const plan = PLANNERS.DFS_RADAR.plan({
      ...ctx,
      event: { ...event, data: { channel: radio.config.channel } },
    });
    if (plan.kind !== 'change') return false;
    const baseline = await controllerReads.sampleRadio(event.apId, event.radio);
    enter('apply');
    const result = await applySteps(plan.steps, versionsOf(ap), `${event.eventId}:reselect:${n}`);
    if (result.kind !== 'applied') return false;
    lastChangeAt = Date.now();
    // The token still undoes the whole move: back to where the radio was before the radar.
    const original = active!.applied.steps[0] as ControllerStep & { kind: 'radio' };
    const step = result.applied.steps[0] as ControllerStep & { kind: 'radio' };
    active = {
      plan,
      baseline,
      applied: { ...result.applied, steps: [{ ...step, from: original.from }] },
    };
    status.changes = changesOf(active.applied.steps, own);
    status.findings = [];
    await record({
      executionStatus: 'APPLIED',
      degradationDetected: true,
      reason: `new channel degraded after the radar move; fresh selection: ${plan.explanation}`,
      details: plan.scores ? { scores: plan.scores } : undefined,
    });
    return true;
  }

  interface RollbackHow {
    auto?: boolean;
    operator?: string;
  }

  /** Undoes the active change; ROLLED_BACK, or FAILED when the controller will not take the undo. */
  async function rollBack(reason: string, how: RollbackHow): Promise<void> {
    enter('rollback');
    let undo: ConfigurationChange[];
    try {
      undo = changesOf((await undoSteps(active!.applied, `${event.eventId}:rollback`)).steps, own);
    } catch (err) {
      return finish(
        'FAILED',
        `rollback failed (${failureReason(err)}); the change is still applied after: ${reason}`,
        {
          degraded: how.auto,
          autoRollback: how.auto,
          operator: how.operator,
        },
      );
    }
    lastChangeAt = Date.now();
    return finish('ROLLED_BACK', reason, {
      degraded: how.auto,
      autoRollback: how.auto,
      operator: how.operator,
      changes: undo,
    });
  }

  /** Ends a change whose natural end is its own undo (admission cap lifted). */
  async function liftChange(reason: string): Promise<void> {
    let lifted: ConfigurationChange[];
    try {
      lifted = changesOf((await undoSteps(active!.applied, `${event.eventId}:lift`)).steps, own);
    } catch (err) {
      return finish('FAILED', `lifting the change failed: ${failureReason(err)}`);
    }
    lastChangeAt = Date.now();
    status.rollbackToken = undefined;
    return finish('APPLIED', reason, { executionStatus: 'LIFTED', changes: lifted });
  }

  /** While the rollback token lives, an operator may still undo an applied change. */
  async function standByForManualRollback(): Promise<void> {
    if (
      !active ||
      !status.rollbackToken ||
      !(status.outcome === 'APPLIED' || status.outcome === 'SUPERSEDED')
    )
      return;
    for (;;) {
      const asked = await condition(
        () => inbox.rollback !== undefined && !inbox.rollback.done,
        Math.max(0, tokenExpiresAt - Date.now()),
      );
      if (!asked) return; // token expired: the change is final
      const request = inbox.rollback!;
      const scope = [event.apId, ...configuredAps(active.applied.steps)];
      enter('waiting');
      if (!(await turns.acquire(scope))) {
        request.refusal = 'the AP is too busy right now (queue full); try again';
      } else {
        try {
          const ap = await controllerReads.readAp(event.apId);
          request.refusal = rollbackForbidden(turns.closedChannels(event.apId)) ?? unchangedSince(ap);
          if (!request.refusal) {
            await rollBack(`manual rollback by ${request.action.operator}${because(request.action)}`, {
              operator: request.action.operator,
            });
          }
        } finally {
          await turns.releaseAll(lastChangeAt);
        }
      }
      if (request.refusal) enter('done');
      request.done = true;
      if (outcome() === 'ROLLED_BACK' || outcome() === 'FAILED') return;
    }
  }

  /** Refuses to undo over someone else's later change to the same AP. */
  function unchangedSince(ap: ApSnapshot): string | undefined {
    const expected = active!.applied.versions[event.apId];
    return expected === undefined || ap.version === expected
      ? undefined
      : `${event.apId} was reconfigured since this change (version ${expected} → ${ap.version}); roll back the later change first`;
  }

  async function planningContext(
    ap: ApSnapshot,
    radio: RadioSnapshot,
    blockedChannels: number[],
    avoidChannels: number[],
    scope: string[],
  ): Promise<PlanningContext> {
    const { needs } = planner;
    const [observations, clients, neighbours] = await Promise.all([
      needs.scan ? controllerReads.scanChannels(event.apId, event.radio) : undefined,
      needs.clients ? controllerReads.readClients(event.apId, event.radio) : undefined,
      needs.neighbours
        ? Promise.all(
            (event.type === 'HW_FAILURE' ? scope.filter((id) => id !== event.apId) : ap.neighbors).map((id) =>
              controllerReads.readAp(id),
            ),
          )
        : undefined,
    ]);
    return {
      event,
      ap,
      radio,
      blockedChannels,
      avoidChannels,
      policy: rules,
      observations,
      clients,
      neighbours,
    };
  }

  function versionsOf(ap: ApSnapshot, neighbours: ApSnapshot[] = []): Record<string, number> {
    return Object.fromEntries([ap, ...neighbours].map((a) => [a.apId, a.version]));
  }

  async function closeForNonOccupancy(channels: number[]): Promise<void> {
    const until = Date.now() + rules.nonOccupancyPeriodMs;
    status.closedChannels = channels;
    const coordinator = getExternalWorkflowHandle(apCoordinatorWorkflowId(event.apId));
    const signalled = coordinator.signal(closeChannelsSignal, {
      eventId: event.eventId,
      radio: event.radio,
      channels,
      until,
    });
    const signed = record({
      actionType: 'NON_OCCUPANCY',
      executionStatus: 'CHANNELS_CLOSED',
      reason: `radar on channel ${String(event.data.channel)}: channels ${channels.join(', ')} closed until ${new Date(until).toISOString()}`,
      configurationChanges: [],
      details: { closedChannels: channels, until: new Date(until).toISOString() },
    });
    await settledWith(signed, signalled);
  }

  async function failApply(reason: string): Promise<void> {
    // Stage stays 'apply': FAILED here means "waiting for an operator to retry or abandon".
    await finish('FAILED', reason, { changes: [] });
    enter('apply');
  }

  function enter(stage: Stage): void {
    status.stage = stage;
    upsertSearchAttributes([{ key: searchAttributes.stage, value: stage }]);
    setCurrentDetails(
      `${event.type} on ${event.apId} (${severity}): ${stage}${status.outcome ? `, ${status.outcome}` : ''}`,
    );
  }

  interface FinishOptions {
    degraded?: boolean;
    autoRollback?: boolean;
    executionStatus?: string;
    changes?: ConfigurationChange[];
    operator?: string;
  }

  async function finish(outcome: Outcome, reason: string, opts: FinishOptions = {}): Promise<void> {
    // The outcome shows in `status` once its audit record is signed: what an operator sees is on file.
    await record({
      executionStatus: opts.executionStatus ?? outcome,
      reason,
      degradationDetected: opts.degraded ?? false,
      autoRollbackTriggered: opts.autoRollback ?? false,
      configurationChanges:
        opts.changes ?? (outcome === 'APPLIED' || outcome === 'SUPERSEDED' ? status.changes : []),
      operator: opts.operator,
      details: status.findings.length ? { findings: status.findings } : undefined,
    });
    status.outcome = outcome;
    status.reason = reason;
    status.decidedAt = new Date().toISOString();
    status.stage = 'done';
    upsertSearchAttributes([
      { key: searchAttributes.stage, value: 'done' },
      { key: searchAttributes.outcome, value: outcome },
    ]);
    setCurrentDetails(`${outcome}: ${reason}`);
  }

  /** Signs one decision or change into the audit trail; the key makes retries and replays write once. */
  async function record(
    entry: Partial<AuditEntry> & Pick<AuditEntry, 'executionStatus' | 'reason'>,
  ): Promise<void> {
    auditSeq++;
    await audit.recordAudit({
      eventId: event.eventId,
      eventType: event.type,
      severity,
      apId: event.apId,
      actionType: status.actionType ?? 'NONE',
      configurationChanges: status.changes,
      rollbackToken: status.rollbackToken ?? null,
      rollbackEligible: status.rollbackToken !== undefined,
      confidence: event.confidence,
      degradationDetected: false,
      autoRollbackTriggered: false,
      idempotencyKey: `${event.eventId}:${auditSeq}:${entry.executionStatus}`,
      ...entry,
    });
  }
}

/**
 * `work`'s result once `alongside` has finished too, so nothing of it runs behind the next step (an
 * audit record out of order); a failure of either is thrown only after both have settled.
 */
async function settledWith<T>(work: Promise<T>, alongside?: Promise<void>): Promise<T> {
  const [result, other] = await Promise.allSettled([work, alongside]);
  if (other.status === 'rejected') throw other.reason;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function because(action: OperatorAction): string {
  return action.reason ? `: ${action.reason}` : '';
}
