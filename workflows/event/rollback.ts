// Undoing a change: automatic (degradation, a CRITICAL event on the new channel), manual (an
// operator, while the rollback token lives) or natural (an admission cap lifted when the spike
// ends). Every undo changes radios, so it takes their turns first, like any change.
import { reconfiguredSince } from '../../domain/change-decisions';
import { rollbackCac } from '../../domain/dfs';
import { changesOf, versionsOf } from '../../domain/controller-steps';
import type { ApSnapshot, ConfigurationChange } from '../../domain/radio';
import { controllerReads } from '../activity-proxies';
import { failureReason, undoSteps } from '../controller-saga';
import { because, type ActiveChange, type EventRun } from './run';

export interface UndoHow {
  /** Rollback by the policy's rules (degradation, CRITICAL on the new channel). */
  auto?: boolean;
  /** The network got worse (an automatic rollback on degradation). */
  degraded?: boolean;
  operator?: string;
  /** Lifting the change is its natural end (admission control), not a rollback. */
  lift?: boolean;
}

/**
 * Takes the turns of the radios the change touched, undoes it and gives them back. Returns why it
 * was refused (regulation, a later change, the radio taken by a more important event), or undefined
 * once the event has ended ROLLED_BACK / APPLIED (lifted) / FAILED / SUPERSEDED.
 */
export async function undoUnderTurn(
  run: EventRun,
  change: ActiveChange,
  reason: string,
  how: UndoHow,
): Promise<string | undefined> {
  if (!how.lift) run.enter('rollback');
  const turns = await run.turns.acquire(run.scope);
  if (turns.kind === 'superseded') {
    const { by } = turns;
    await run.finish(
      'SUPERSEDED',
      `superseded by ${by.eventId} (${by.severity}) before the undo; the change stays`,
    );
    return undefined;
  }
  if (turns.kind === 'dropped') return 'the radio is too busy right now (queue full); try again';
  let undone: ConfigurationChange[] | undefined;
  let refusal: string | undefined;
  let failure: string | undefined;
  let cac: Cac;
  try {
    // Regulation first; then the radios as they read now, against a later change and as the undo's guard.
    refusal = run.rollbackForbidden(change);
    const [aps, cost] = refusal
      ? [[], undefined]
      : await Promise.all([
          Promise.all(run.scope.map((s) => controllerReads.readAp(s.apId))),
          how.lift ? undefined : cacOfRollback(run, change),
        ]);
    cac = cost;
    refusal ??= reconfiguredSince(change.applied.steps, aps);
    if (!refusal) undone = await undo(run, change, aps, how.lift ? 'lift' : 'rollback');
  } catch (err) {
    failure = failureReason(err);
  } finally {
    // Undone (or failed for good): the watch ends with the turn. Refused: monitoring goes on.
    await run.turns.release(undone ? run.lastChangeAt : null, refusal ? undefined : null);
  }
  const { auto, degraded, operator } = how;
  if (refusal) return refusal;
  if (failure) {
    const what = how.lift ? 'lifting the change failed' : 'rollback failed';
    await run.finish('FAILED', `${what} (${failure}); the change is still applied after: ${reason}`, {
      degraded,
      autoRollback: auto,
      operator,
    });
  } else if (how.lift) {
    run.endRollbackToken();
    await run.finish('APPLIED', reason, { executionStatus: 'LIFTED', changes: undone });
  } else {
    const offAir = cac
      ? `; back onto ${cac.channel}/${cac.width} MHz: a ${cac.cacMs / 1000} s CAC off the air`
      : '';
    await run.finish('ROLLED_BACK', `${reason}${offAir}`, {
      degraded,
      autoRollback: auto,
      operator,
      changes: undone,
      details: cac ? { cac } : undefined,
    });
  }
  return undefined;
}

type Cac = ReturnType<typeof rollbackCac>;

/** The CAC undoing the change costs its radio (back onto DFS channels it has not kept checked), read from its scan. */
async function cacOfRollback(run: EventRun, change: ActiveChange): Promise<Cac> {
  const { apId, radio } = run.own;
  const { steps } = change.applied;
  if (run.channelsMovedOnto(steps).length === 0) return undefined;
  const observations = await controllerReads.scanChannels(apId, radio);
  return rollbackCac(steps, apId, radio, run.regulatoryDomain, observations);
}

/** Undoes the active change against the versions the controller gave in `aps`; throws when it will not take it. */
async function undo(
  run: EventRun,
  change: ActiveChange,
  aps: ApSnapshot[],
  kind: 'lift' | 'rollback',
): Promise<ConfigurationChange[]> {
  const { applied } = change;
  const versions = { ...applied.versions, ...versionsOf(aps) };
  const result = await undoSteps({ ...applied, versions }, `${run.event.eventId}:${kind}`);
  run.changeUndone();
  return changesOf(result.steps, run.own);
}

/** An operator's rollback: carried out, or answered with why not. */
export async function manualRollback(run: EventRun, change: ActiveChange): Promise<void> {
  const request = run.controls.rollbackAsked();
  if (!request) return;
  const { action } = request;
  const reason = `manual rollback by ${action.operator}${because(action)}`;
  const refusal = await undoUnderTurn(run, change, reason, { operator: action.operator });
  if (refusal && run.outcome !== undefined) run.enter('done');
  run.controls.rollbackAnswered(refusal);
}

/** While the rollback token lives, an operator may still undo an applied change. */
export async function standByForManualRollback(run: EventRun): Promise<void> {
  const { status, change } = run;
  const kept = status.outcome === 'APPLIED' || status.outcome === 'SUPERSEDED';
  if (!change || !status.rollbackToken || !kept) return;
  for (;;) {
    const asked = await run.alarms.until(
      () => run.controls.rollbackAsked() !== undefined,
      run.tokenExpiresAt,
    );
    if (!asked) return; // token expired: the change is final
    run.enter('waiting');
    await manualRollback(run, change);
    if (run.outcome === 'ROLLED_BACK' || run.outcome === 'FAILED') return;
  }
}
