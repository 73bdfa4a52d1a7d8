// Monitor the change through its window (the radio is watched, not locked) and decide its fate:
// keep it, choose afresh after radar, roll it back, or hand over to the event that superseded it.
import { conclude, type MonitorVerdict } from '../../domain/change-decisions';
import { changesOf, versionsOf, type ControllerStep } from '../../domain/controller-steps';
import { PLANNERS } from '../../domain/plans';
import { radioOf } from '../../domain/radio';
import { initialMonitorVerdict, judgesTheChange, observeSample } from '../../domain/rollback-rules';
import type { MonitorSample } from '../../activities/controller';
import { controllerReads } from '../activity-proxies';
import { applySteps, isActivityFailure } from '../controller-saga';
import { planningContext, readRadioViews, watchOf } from './act';
import { manualRollback, undoUnderTurn } from './rollback';
import type { EventRun } from './run';

/** Fresh channel selections a radar move may make when its new channel degrades. */
const MAX_RADAR_RESELECTIONS = 2;

export async function watchAndConclude(run: EventRun): Promise<void> {
  for (let reselections = 0; ; reselections++) {
    const verdict = await monitor(run);
    if (verdict === 'decided') return;
    const next = conclude(verdict, {
      type: run.event.type,
      eventPolicy: run.eventPolicy,
      rollbackForbidden: run.rollbackForbidden(),
      reselectionsLeft: MAX_RADAR_RESELECTIONS - reselections,
    });
    switch (next.kind) {
      case 'keep':
        await run.turns.stopWatching(run.event.apId);
        return run.finish(next.outcome, next.reason, next);
      case 'roll-back':
        await undoUnderTurn(run, next.reason, { auto: true, degraded: next.degraded });
        return;
      case 'lift':
        await undoUnderTurn(run, next.reason, { lift: true });
        return;
      case 'reselect':
        // A supersession met while asking for the turn is taken up by the next monitor pass.
        if ((await reselectAfterRadar(run, reselections + 1)) || run.turns.superseded) continue;
        await run.turns.stopWatching(run.event.apId);
        return run.finish('APPLIED', `degraded (${next.degradation}) and no better open channel`, {
          degraded: true,
        });
    }
  }
}

/**
 * Samples through the window, waking early for a supersession and operator controls; 'decided'
 * when an operator's rollback ended the event meanwhile.
 */
async function monitor(run: EventRun): Promise<MonitorVerdict | 'decided'> {
  const { inbox, turns, rules, event } = run;
  run.enter('monitor');
  // A radar move found applied by a retry lost the sample taken before it: its first sample after
  // the move stands in as the baseline.
  let baseline = run.active!.baseline;
  let verdict = initialMonitorVerdict;
  // Samples keep their cadence from the window's start (once the radio transmits after a CAC),
  // whatever wakes the loop in between.
  let nextSampleAt = Math.max(Date.now(), run.servingFrom) + rules.sampleIntervalMs;
  for (;;) {
    if (turns.superseded) {
      const { by, rollbackFirst } = turns.superseded;
      return { kind: 'superseded', by, rollbackFirst };
    }
    if (inbox.commit) return { kind: 'committed', operator: inbox.commit.operator };
    if (inbox.rollback && !inbox.rollback.done) {
      await manualRollback(run);
      if (run.outcome !== undefined) return 'decided';
      run.enter('monitor');
      continue;
    }
    if (Date.now() >= run.watchUntil) return { kind: 'healthy' };
    const sampleAt = Math.min(nextSampleAt, run.watchUntil);
    const woken = await run.alarms.until(
      () =>
        turns.superseded !== undefined ||
        inbox.commit !== undefined ||
        (inbox.rollback !== undefined && !inbox.rollback.done),
      sampleAt,
    );
    if (woken || Date.now() < sampleAt) continue;
    nextSampleAt = sampleAt + rules.sampleIntervalMs;
    const sample = await readSample(run);
    // A sample the controller could not give, or of a radio off the air, is neither healthy nor degraded.
    if (!sample || !judgesTheChange(sample)) continue;
    if (!baseline) {
      baseline = sample;
      continue;
    }
    run.status.samples++;
    if (
      event.type === 'DENSITY_SPIKE' &&
      sample.associationsPerMin < rules.density.spikeEndsBelowAssociationsPerMin
    ) {
      return { kind: 'spike-over' };
    }
    const observed = observeSample(verdict, baseline, sample, rules.rollbackThresholds);
    verdict = observed.state;
    if (observed.rollback) {
      run.status.findings = observed.findings;
      return { kind: 'degraded', findings: observed.findings.map((f) => f.change).join('; ') };
    }
  }
}

async function readSample(run: EventRun): Promise<MonitorSample | undefined> {
  try {
    return await controllerReads.sampleRadio(run.event.apId, run.event.radio);
  } catch (err) {
    if (isActivityFailure(err)) return undefined;
    throw err;
  }
}

/**
 * A radar move whose new channel degraded: never back onto the radar channel, choose afresh among
 * the channels still open, under the radio's turn again. False when nothing better could be applied.
 */
async function reselectAfterRadar(run: EventRun, n: number): Promise<boolean> {
  const { event } = run;
  run.enter('waiting');
  if ((await run.turns.acquire(run.scope)) !== 'granted') return false;
  let moved = false;
  try {
    run.enter('plan');
    const views = readRadioViews(run);
    const ap = await controllerReads.readAp(event.apId);
    const radio = radioOf(ap, event.radio)!;
    run.blocked = [...new Set([...run.blocked, ...run.turns.closedChannels(event.apId, event.radio)])];
    const ctx = await planningContext(run, ap, radio, [], views);
    const plan = PLANNERS.DFS_RADAR.plan({
      ...ctx,
      event: { ...event, type: 'DFS_RADAR', data: { channel: radio.config.channel } },
    });
    if (plan.kind !== 'change') return false;
    const baseline = await controllerReads.sampleRadio(event.apId, event.radio);
    run.enter('apply');
    const result = await applySteps(plan.steps, versionsOf([ap]), `${event.eventId}:reselect:${n}`);
    if (result.kind !== 'applied') return false;
    // The token still undoes the whole move: back to where the radio was before the radar.
    const original = run.active!.applied.steps[0] as ControllerStep & { kind: 'radio' };
    const step = result.applied.steps[0] as ControllerStep & { kind: 'radio' };
    run.changeApplied({
      plan,
      baseline,
      applied: { ...result.applied, steps: [{ ...step, from: original.from }] },
    });
    moved = true;
  } finally {
    await run.turns.release(moved ? run.lastChangeAt : null, moved ? watchOf(run) : undefined);
  }
  const { applied, plan } = run.active!;
  run.status.changes = changesOf(applied.steps, run.own);
  run.status.findings = [];
  await run.record({
    executionStatus: 'APPLIED',
    degradationDetected: true,
    reason: `new channel degraded after the radar move; fresh selection: ${plan.explanation}`,
    details: plan.scores ? { scores: plan.scores } : undefined,
  });
  return true;
}
