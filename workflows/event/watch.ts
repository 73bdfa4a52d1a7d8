// Monitor the change through its window (the radio is watched, not locked) and decide its fate:
// keep it, choose afresh after radar, roll it back, or hand over to the event that superseded it.
import { conclude, type MonitorVerdict } from '../../domain/change-decisions';
import { versionsOf, type ControllerStep } from '../../domain/controller-steps';
import { PLANNERS } from '../../domain/plans';
import { radioOf } from '../../domain/radio';
import { judgesTheChange, observeSample, startMonitoring, windowPassed } from '../../domain/rollback-rules';
import type { MonitorSample } from '../../activities/controller';
import { controllerReads } from '../activity-proxies';
import { applySteps, isActivityFailure } from '../controller-saga';
import { planningContext, readRadioViews } from './act';
import { manualRollback, undoUnderTurn } from './rollback';
import type { ActiveChange, EventRun } from './run';

/** Fresh channel selections a radar move may make when its new channel degrades. */
const MAX_RADAR_RESELECTIONS = 2;

export async function watchAndConclude(run: EventRun, applied: ActiveChange): Promise<void> {
  let change = applied;
  for (let reselections = 0; ; reselections++) {
    const verdict = await monitor(run, change);
    if (verdict === 'decided') return;
    const next = conclude(verdict, {
      type: run.event.type,
      eventPolicy: run.eventPolicy,
      rollbackForbidden: run.rollbackForbidden(change),
      reselectionsLeft: MAX_RADAR_RESELECTIONS - reselections,
    });
    switch (next.kind) {
      case 'keep':
        await run.turns.stopWatching(run.event.apId);
        return run.finish(next.outcome, next.reason, next);
      case 'roll-back':
        await undoUnderTurn(run, change, next.reason, { auto: true, degraded: next.degraded });
        return;
      case 'lift':
        await undoUnderTurn(run, change, next.reason, { lift: true });
        return;
      case 'reselect': {
        // A supersession met while asking for the turn is taken up by the next monitor pass.
        const reselected = await reselectAfterRadar(run, change, reselections + 1);
        change = reselected ?? change;
        if (reselected || run.turns.superseded) continue;
        await run.turns.stopWatching(run.event.apId);
        return run.finish('APPLIED', `degraded (${next.degradation}) and no better open channel`, {
          degraded: true,
        });
      }
    }
  }
}

/**
 * Samples through the window, waking early for a supersession and operator controls; 'decided'
 * when an operator's rollback ended the event meanwhile.
 */
async function monitor(run: EventRun, change: ActiveChange): Promise<MonitorVerdict | 'decided'> {
  const { controls, turns, policy, event } = run;
  run.enter('monitor');
  // A radar move found applied by a retry lost the sample taken before it: its first sample with
  // traffic after the move stands in as the baseline.
  let verdict = startMonitoring(change.baseline);
  // Samples keep their cadence from the window's start (once the radio transmits after a CAC),
  // whatever wakes the loop in between.
  let nextSampleAt = Math.max(Date.now(), change.servingFrom) + policy.sampleIntervalMs;
  for (;;) {
    if (turns.superseded) {
      const { by, rollbackFirst } = turns.superseded;
      return { kind: 'superseded', by, rollbackFirst };
    }
    if (controls.committedBy) return { kind: 'committed', operator: controls.committedBy.operator };
    if (controls.rollbackAsked()) {
      await manualRollback(run, change);
      if (run.outcome !== undefined) return 'decided';
      run.enter('monitor');
      continue;
    }
    if (Date.now() >= change.watchUntil) return windowPassed(verdict);
    const sampleAt = Math.min(nextSampleAt, change.watchUntil);
    const woken = await run.alarms.until(
      () =>
        turns.superseded !== undefined ||
        controls.committedBy !== undefined ||
        controls.rollbackAsked() !== undefined,
      sampleAt,
    );
    if (woken || Date.now() < sampleAt) continue;
    nextSampleAt = sampleAt + policy.sampleIntervalMs;
    const sample = await readSample(run);
    // A sample the controller could not give, or of a radio off the air, is neither healthy nor degraded.
    if (!sample || !judgesTheChange(sample)) continue;
    const observed = observeSample(verdict, sample, policy.rollbackThresholds);
    verdict = observed.state;
    // Nor is one without a baseline carrying traffic to compare with (it may become that baseline).
    if (!observed.judged) continue;
    run.sampled();
    if (
      event.type === 'DENSITY_SPIKE' &&
      sample.associationsPerMin < policy.density.spikeEndsBelowAssociationsPerMin
    ) {
      return { kind: 'spike-over' };
    }
    if (observed.rollback) {
      run.degradationFound(observed.findings);
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
 * the channels still open, under the radio's turn again. The new change, signed; undefined when
 * nothing better could be applied.
 */
async function reselectAfterRadar(
  run: EventRun,
  change: ActiveChange,
  n: number,
): Promise<ActiveChange | undefined> {
  const { event } = run;
  run.enter('waiting');
  if ((await run.turns.acquire(run.scope)).kind !== 'granted') return undefined;
  let reselected: ActiveChange | undefined;
  try {
    run.enter('plan');
    const views = readRadioViews(run);
    const ap = await controllerReads.readAp(event.apId);
    const radio = radioOf(ap, event.radio);
    if (!radio) return undefined;
    const closed = [...run.closedChannels, ...run.turns.closedChannels(event.apId, event.radio)];
    run.planAround({ closedChannels: [...new Set(closed)] });
    const ctx = await planningContext(run, ap, radio, [], views);
    const plan = PLANNERS.DFS_RADAR.plan({
      ...ctx,
      event: { ...event, type: 'DFS_RADAR', data: { channel: radio.config.channel } },
    });
    if (plan.kind !== 'change') return undefined;
    const baseline = await controllerReads.sampleRadio(event.apId, event.radio);
    run.enter('apply');
    const result = await applySteps(plan.steps, versionsOf([ap]), `${event.eventId}:reselect:${n}`);
    if (result.kind !== 'applied') return undefined;
    // The token still undoes the whole move: back to where the radio was before the radar.
    const original = change.applied.steps[0] as ControllerStep & { kind: 'radio' };
    const step = result.applied.steps[0] as ControllerStep & { kind: 'radio' };
    reselected = run.changeApplied({
      plan,
      baseline,
      applied: { ...result.applied, steps: [{ ...step, from: original.from }] },
    });
  } finally {
    await run.turns.release(
      reselected ? run.lastChangeAt : null,
      reselected ? run.watchOf(reselected) : undefined,
    );
  }
  await run.signReselection(reselected);
  return reselected;
}
