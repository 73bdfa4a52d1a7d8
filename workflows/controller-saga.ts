// Applies an action's controller steps in order, as a saga: if a step fails, the steps already
// applied are undone in reverse, so a half-applied action never stays on the network.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { inverseOf, versionKey, type ControllerStep } from '../domain/controller-steps';
import { controllerWrites } from './activity-proxies';

/** What was applied: enough to undo it later. */
export interface AppliedSteps {
  /** The steps as they took effect: a steer step lists only the clients that actually moved. */
  steps: ControllerStep[];
  /** Latest known configuration versions (per radio, and per AP for admin steps): the guards of the next change. */
  versions: Record<string, number>;
}

export type SagaResult =
  | { kind: 'applied'; applied: AppliedSteps }
  /** The AP's configuration moved under us: re-plan (nothing stays applied). */
  | { kind: 'conflict'; reason: string }
  /** The controller found radar on the chosen channel: re-plan without it (nothing stays applied). */
  | { kind: 'unavailable'; channels: number[]; reason: string }
  /** The controller refused or was unreachable after retries (nothing stays applied). */
  | { kind: 'failed'; reason: string };

export function applySteps(
  steps: ControllerStep[],
  versions: Record<string, number>,
  changeIdPrefix: string,
): Promise<SagaResult> {
  return runSteps(steps, versions, changeIdPrefix, true);
}

/** Undoes applied steps, last first. Throws UndoFailed when the controller will not take the undo. */
export async function undoSteps(applied: AppliedSteps, changeIdPrefix: string): Promise<AppliedSteps> {
  const inverse = applied.steps.map((step) => inverseOf(step)).reverse();
  const result = await runSteps(inverse, applied.versions, changeIdPrefix, false);
  if (result.kind !== 'applied') throw new UndoFailed(result.reason);
  return result.applied;
}

async function runSteps(
  steps: ControllerStep[],
  versions: Record<string, number>,
  changeIdPrefix: string,
  compensate: boolean,
): Promise<SagaResult> {
  const done: AppliedSteps = { steps: [], versions: { ...versions } };
  for (const [i, step] of steps.entries()) {
    try {
      const result = await controllerWrites.applyStep({
        step,
        changeId: `${changeIdPrefix}:${i}`,
        expectedVersion: done.versions[versionKey(step)] ?? 0,
      });
      if (result.version !== undefined) done.versions[versionKey(step)] = result.version;
      // A client the controller would not steer (weak signal, full target) did not move: not part of the change.
      if (step.kind === 'steer') {
        if (result.steered?.length) done.steps.push({ ...step, clientIds: result.steered });
      } else {
        done.steps.push(step);
      }
    } catch (err) {
      const reason = failureReason(err);
      if (compensate && done.steps.length > 0) {
        try {
          await undoSteps(done, `${changeIdPrefix}:compensate`);
        } catch (undo) {
          return {
            kind: 'failed',
            reason: `${reason}; undoing the applied steps failed too: ${failureReason(undo)}`,
          };
        }
      }
      const cause = applicationFailureOf(err);
      if (cause?.type === 'VersionConflict') return { kind: 'conflict', reason };
      if (cause?.type === 'ChannelUnavailable') {
        const payload = cause.details?.[0] as { radarChannels?: number[] } | undefined;
        return { kind: 'unavailable', channels: payload?.radarChannels ?? [], reason };
      }
      return { kind: 'failed', reason };
    }
  }
  return { kind: 'applied', applied: done };
}

export class UndoFailed extends Error {}

/**
 * Whether an activity call failed (rather than the workflow's own code). An activity rejects with an
 * ActivityFailure. A local activity (the controller calls, the radar reflex) does too when it runs,
 * but when its run is replayed from its marker (another worker taking the run over) it rejects with
 * the failure the marker holds, bare: its ApplicationFailure, or the TimeoutFailure of attempts that
 * ran out of time. Both answers must lead to the same decision, or the replay is nondeterministic.
 */
export function isActivityFailure(
  err: unknown,
): err is ActivityFailure | ApplicationFailure | TimeoutFailure {
  return err instanceof ActivityFailure || err instanceof ApplicationFailure || err instanceof TimeoutFailure;
}

/** The activity's own failure (its type names what went wrong), if `err` carries one. */
function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

/** The AP the controller said it does not know (an `UnknownAp` read), if that is what `err` is. */
export function unknownApOf(err: unknown): string | undefined {
  const failure = applicationFailureOf(err);
  if (failure?.type !== 'UnknownAp') return undefined;
  return (failure.details?.[0] as { apId?: string } | undefined)?.apId;
}

export function failureReason(err: unknown): string {
  const failure = applicationFailureOf(err);
  if (failure) return failure.type ? `${failure.type}: ${failure.message}` : failure.message;
  if (err instanceof ActivityFailure) return String(err.cause?.message ?? err.message);
  return err instanceof Error ? err.message : String(err);
}
