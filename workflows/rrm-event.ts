// rrmEvent (`event:<eventId>`): one network event, from validation to done. It reads as the policy
// says: validate, wait for the AP's turn, plan, take a baseline, apply, monitor, roll back if the
// network got worse, and sign every decision into the audit trail on the way.
import {
  ApplicationFailure,
  ActivityFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { RrmEvent } from '../domain/events';
import { effectiveSeverity, type Policy } from '../domain/policy';
import {
  planInterferenceResponse,
  planRadarMove,
  radarClosedChannels,
  type ActionPlan,
  type PlanningInput,
} from '../domain/plans';
import { targetOf, type ConfigurationChange, type RadioSnapshot } from '../domain/radio';
import { initialMonitorVerdict, observeSample, type RadioSample } from '../domain/rollback-rules';
import type { AuditEntry } from '../activities/audit';
import { audit, controllerReads, controllerWrites, coordination, policy } from './activities';
import {
  apCoordinatorWorkflowId,
  closeChannelsSignal,
  commitSignal,
  eventStatusQuery,
  preemptSignal,
  releaseTurnSignal,
  searchAttributes,
  turnGrantedSignal,
  type TurnGranted,
} from './definitions';
import type { EventStatus, Outcome, Stage } from './event-status';

/** Planners per event type; types without one are accepted but not handled yet (README). */
const PLANNERS: Partial<Record<RrmEvent['type'], (input: PlanningInput) => ActionPlan>> = {
  DFS_RADAR: planRadarMove,
  NON_WIFI_BURST: planInterferenceResponse,
};

/** Fresh channel selections a radar move may make when its new channel degrades. */
const MAX_RADAR_RESELECTIONS = 2;
/** Re-plans after the controller reports the AP's configuration moved under us. */
const MAX_VERSION_CONFLICTS = 3;

export async function rrmEvent(event: RrmEvent): Promise<EventStatus> {
  const rules: Policy = await policy.currentPolicy();
  const eventPolicy = rules.events[event.type];
  const severity = effectiveSeverity(rules, event.type, event.severity);
  const status: EventStatus = {
    eventId: event.eventId,
    apId: event.apId,
    type: event.type,
    severity,
    stage: 'validate',
    changes: [],
    samples: 0,
    findings: [],
    closedChannels: [],
  };
  let granted: TurnGranted | undefined;
  let preemptedBy: string | undefined;
  let commitRequested = false;
  /** Epoch ms of this event's last change to the AP; starts the AP's cooldown on release. */
  let lastChangeAt: number | null = null;

  setHandler(eventStatusQuery, () => status);
  setHandler(turnGrantedSignal, (grant) => void (granted ??= grant));
  setHandler(preemptSignal, ({ by }) => void (preemptedBy ??= by));
  setHandler(commitSignal, () => void (commitRequested = true));

  upsertSearchAttributes([
    { key: searchAttributes.apId, value: event.apId },
    { key: searchAttributes.eventType, value: event.type },
    { key: searchAttributes.severity, value: severity },
  ]);

  // --- validate ---
  enter('validate');
  if (event.confidence < eventPolicy.minConfidence) {
    return finish(
      'REJECTED',
      `confidence ${event.confidence} is below the minimum ${eventPolicy.minConfidence}`,
    );
  }
  const planner = PLANNERS[event.type];
  if (!planner) return finish('REJECTED', `${event.type} is not yet supported`);

  // --- wait for the AP's turn ---
  enter('waiting');
  await coordination.requestApTurn({
    apId: event.apId,
    cooldownMs: rules.cooldownMs,
    request: {
      eventId: event.eventId,
      radio: event.radio,
      severity,
      detectedAt: event.detectedAt,
      bypassesCooldown: eventPolicy.bypassesCooldown,
    },
  });
  await condition(() => granted !== undefined);
  try {
    return await actHoldingTheTurn(planner, granted!.closedChannels);
  } finally {
    await CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(apCoordinatorWorkflowId(event.apId)).signal(releaseTurnSignal, {
        eventId: event.eventId,
        lastChangeAt,
      }),
    );
  }

  async function actHoldingTheTurn(
    planFor: (input: PlanningInput) => ActionPlan,
    closedChannels: number[],
  ): Promise<EventStatus> {
    const ageMs = Date.now() - Date.parse(event.detectedAt);
    if (ageMs > eventPolicy.ttlMs) {
      return finish(
        'STALE',
        `event is ${Math.round(ageMs / 1000)} s old, past its ${eventPolicy.ttlMs / 1000} s TTL`,
      );
    }

    // --- plan ---
    enter('plan');
    let radio = await controllerReads.readRadio(event.apId, event.radio);
    const blocked = new Set(closedChannels);
    if (event.type === 'DFS_RADAR') {
      // Regulatory obligation first: the radar's bonded channel closes whatever the plan turns out to be.
      const closing = radarClosedChannels(Number(event.data.channel), radio);
      await closeForNonOccupancy(closing);
      closing.forEach((c) => blocked.add(c));
    }

    let applied: Applied | undefined;
    for (let attempt = 1; !applied; attempt++) {
      const plan = planFor({
        event,
        radio,
        observations: await controllerReads.scanChannels(event.apId, event.radio),
        blockedChannels: [...blocked],
        policy: rules,
      });
      if (plan.kind === 'no_action') return finish('NO_ACTION', plan.explanation);
      if (plan.kind === 'impossible') return finish('FAILED', plan.explanation);

      enter('baseline');
      const baseline = await controllerReads.sampleRadio(event.apId, event.radio);
      enter('apply');
      const result = await applyChange(radio, plan.changes, `${event.eventId}:apply`);
      if (result.kind === 'conflict' && attempt < MAX_VERSION_CONFLICTS) {
        enter('plan');
        radio = await controllerReads.readRadio(event.apId, event.radio);
        continue;
      }
      if (result.kind !== 'applied') return finish('FAILED', `apply failed: ${result.reason}`);
      applied = { plan, baseline, version: result.version, radio };
    }

    status.actionType = applied.plan.kind === 'change' ? applied.plan.actionType : undefined;
    status.changes = applied.plan.kind === 'change' ? applied.plan.changes : [];
    status.rollbackToken = eventPolicy.rollbackTokenTtlMs > 0 ? uuid4() : undefined;
    await record('applied', {
      executionStatus: 'APPLIED',
      reason: applied.plan.explanation,
      details: { scores: applied.plan.kind === 'change' ? applied.plan.scores : undefined },
    });

    // --- monitor, and re-act on degradation ---
    for (let reselections = 0; ; reselections++) {
      const verdict = await monitor(applied.baseline);
      if (verdict === 'superseded') {
        return finish('SUPERSEDED', `preempted by ${preemptedBy} at a safe point; the change stays`);
      }
      if (verdict === 'healthy') {
        return finish(
          'APPLIED',
          commitRequested ? 'committed by operator' : 'monitor window passed without degradation',
          {
            executionStatus: 'COMMITTED',
          },
        );
      }
      const degradation = status.findings.map((f) => f.change).join('; ');
      if (event.type === 'DFS_RADAR' && reselections < MAX_RADAR_RESELECTIONS) {
        // Never back onto the radar channel: choose afresh among the channels still open.
        const next = await reselectAfterRadar(applied, reselections + 1, [...blocked]);
        if (!next)
          return finish('APPLIED', `degraded (${degradation}) and no better open channel`, {
            degraded: true,
          });
        applied = next;
        continue;
      }
      if (!eventPolicy.autoRollback) {
        return finish('APPLIED', `degraded (${degradation}); automatic rollback is off for ${event.type}`, {
          degraded: true,
        });
      }
      return rollBack(applied, `automatic rollback: ${degradation}`);
    }
  }

  async function closeForNonOccupancy(channels: number[]): Promise<void> {
    const until = Date.now() + rules.nonOccupancyPeriodMs;
    await getExternalWorkflowHandle(apCoordinatorWorkflowId(event.apId)).signal(closeChannelsSignal, {
      eventId: event.eventId,
      radio: event.radio,
      channels,
      until,
    });
    status.closedChannels = channels;
    await record('channels-closed', {
      actionType: 'NON_OCCUPANCY',
      executionStatus: 'CHANNELS_CLOSED',
      reason: `radar on channel ${String(event.data.channel)}: channels ${channels.join(', ')} closed until ${new Date(until).toISOString()}`,
      details: { closedChannels: channels, until: new Date(until).toISOString() },
    });
  }

  async function reselectAfterRadar(
    previous: Applied,
    n: number,
    blocked: number[],
  ): Promise<Applied | undefined> {
    enter('plan');
    const radio = await controllerReads.readRadio(event.apId, event.radio);
    const plan = planRadarMove({
      event: { ...event, data: { channel: radio.config.channel } },
      radio,
      observations: await controllerReads.scanChannels(event.apId, event.radio),
      blockedChannels: blocked,
      policy: rules,
    });
    if (plan.kind !== 'change') return undefined;
    const baseline = await controllerReads.sampleRadio(event.apId, event.radio);
    enter('apply');
    const result = await applyChange(radio, plan.changes, `${event.eventId}:reselect:${n}`);
    if (result.kind !== 'applied') return undefined;
    status.changes = plan.changes;
    status.findings = [];
    await record(`reselected:${n}`, {
      executionStatus: 'APPLIED',
      degradationDetected: true,
      reason: `new channel degraded after radar move; fresh selection: ${plan.explanation}`,
      details: {
        scores: plan.scores,
        replaced: previous.plan.kind === 'change' ? previous.plan.changes : [],
      },
    });
    return { plan, baseline, version: result.version, radio };
  }

  /** Samples through the window; 'degraded' when the rollback rules say so. */
  async function monitor(baseline: RadioSample): Promise<'healthy' | 'degraded' | 'superseded'> {
    enter('monitor');
    if (preemptedBy) return 'superseded';
    let verdict = initialMonitorVerdict;
    const endsAt = Date.now() + eventPolicy.monitorWindowMs;
    while (Date.now() < endsAt) {
      const wait = Math.min(rules.sampleIntervalMs, endsAt - Date.now());
      if (await condition(() => preemptedBy !== undefined || commitRequested, wait)) {
        return preemptedBy ? 'superseded' : 'healthy';
      }
      const sample = await controllerReads.sampleRadio(event.apId, event.radio);
      status.samples++;
      const observed = observeSample(verdict, baseline, sample, rules.rollbackThresholds);
      verdict = observed.state;
      if (observed.rollback) {
        status.findings = observed.findings;
        return 'degraded';
      }
    }
    return 'healthy';
  }

  async function rollBack(applied: Applied, reason: string): Promise<EventStatus> {
    enter('rollback');
    const current = {
      ...applied.radio,
      version: applied.version,
      config: { ...applied.radio.config, ...targetOf(status.changes) },
    };
    const undo: ConfigurationChange[] = status.changes.map((c) => ({
      param: c.param,
      oldValue: c.newValue,
      newValue: c.oldValue,
    }));
    const result = await applyChange(current, undo, `${event.eventId}:rollback`);
    if (result.kind !== 'applied') {
      return finish('FAILED', `rollback failed (${result.reason}) after: ${reason}`, {
        degraded: true,
        autoRollback: true,
      });
    }
    return finish('ROLLED_BACK', reason, {
      degraded: true,
      autoRollback: true,
      changes: undo,
    });
  }

  type ApplyResult =
    | { kind: 'applied'; version: number }
    | { kind: 'conflict'; reason: string }
    | { kind: 'failed'; reason: string };

  async function applyChange(
    radio: RadioSnapshot,
    changes: ConfigurationChange[],
    changeId: string,
  ): Promise<ApplyResult> {
    try {
      const { version } = await controllerWrites.applyRadioConfig({
        apId: event.apId,
        radio: event.radio,
        changeId,
        expectedVersion: radio.version,
        target: targetOf(changes),
      });
      lastChangeAt = Date.now();
      return { kind: 'applied', version };
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause;
      const reason =
        cause instanceof ApplicationFailure
          ? `${cause.type}: ${cause.message}`
          : String(cause?.message ?? err);
      return cause instanceof ApplicationFailure && cause.type === 'VersionConflict'
        ? { kind: 'conflict', reason }
        : { kind: 'failed', reason };
    }
  }

  function enter(stage: Stage): void {
    status.stage = stage;
    upsertSearchAttributes([{ key: searchAttributes.stage, value: stage }]);
    setCurrentDetails(`${event.type} on ${event.apId} (${severity}): ${stage}`);
  }

  interface FinishOptions {
    degraded?: boolean;
    autoRollback?: boolean;
    executionStatus?: string;
    changes?: ConfigurationChange[];
  }

  async function finish(outcome: Outcome, reason: string, opts: FinishOptions = {}): Promise<EventStatus> {
    status.outcome = outcome;
    status.reason = reason;
    await record('outcome', {
      executionStatus: opts.executionStatus ?? outcome,
      reason,
      degradationDetected: opts.degraded ?? false,
      autoRollbackTriggered: opts.autoRollback ?? false,
      configurationChanges:
        opts.changes ?? (outcome === 'APPLIED' || outcome === 'SUPERSEDED' ? status.changes : []),
      details: status.findings.length ? { findings: status.findings } : undefined,
    });
    status.stage = 'done';
    upsertSearchAttributes([
      { key: searchAttributes.stage, value: 'done' },
      { key: searchAttributes.outcome, value: outcome },
    ]);
    setCurrentDetails(`${outcome}: ${reason}`);
    return status;
  }

  /** Signs one decision or change into the audit trail; the key makes retries and replays write once. */
  async function record(
    step: string,
    entry: Partial<AuditEntry> & Pick<AuditEntry, 'executionStatus' | 'reason'>,
  ): Promise<void> {
    await audit.recordAudit({
      eventId: event.eventId,
      eventType: event.type,
      severity,
      apId: event.apId,
      actionType: status.actionType ?? 'NONE',
      configurationChanges: status.changes,
      rollbackToken: status.rollbackToken ?? null,
      rollbackEligible: status.rollbackToken !== undefined && event.type !== 'DFS_RADAR',
      confidence: event.confidence,
      degradationDetected: false,
      autoRollbackTriggered: false,
      idempotencyKey: `${event.eventId}:${step}`,
      ...entry,
    });
  }
}

interface Applied {
  plan: ActionPlan;
  baseline: RadioSample;
  /** Controller version right after the change: the rollback's compare-and-set guard. */
  version: number;
  radio: RadioSnapshot;
}
