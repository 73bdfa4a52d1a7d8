// rrmEvent (`event:<eventId>`): one network event, from validation to done (docs/event-lifecycle.md).
// It reads as the policy says: validate, take the radio's turn, plan, apply and give the turn back
// (a radar report moves first, without a turn), watch the change through its window, roll it back if
// the network got worse, and sign every decision into the audit trail on the way. An applied change
// then stays answerable to a manual rollback while its rollback token lives.
import {
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  setWorkflowOptions,
} from '@temporalio/workflow';
import { belowConfidence } from '../../domain/change-decisions';
import type { RrmEvent } from '../../domain/events';
import { policyReads } from '../activity-proxies';
import { failureReason, isActivityFailure } from '../controller-saga';
import { whenVersioned } from '../versioning';
import { takeTurnAndApply } from './act';
import * as messages from './messages';
import { RadarReflex } from './reflex';
import { standByForManualRollback } from './rollback';
import { EventRun, type ActiveChange } from './run';
import { initialStatus, type EventStatus } from './status';
import { watchAndConclude } from './watch';

export async function rrmEvent(event: RrmEvent): Promise<EventStatus> {
  // A radar report moves before anything else and takes no turn (the radar reflex, in reflex.ts:
  // its move validates the report itself). Runs begun before the reflex replay without it: radar
  // takes its turn, and plans read only the closures their coordinator grants (docs/upgrades.md).
  const reflexBuild = patched('radar-reflex');
  const reflex = event.type === 'DFS_RADAR' && reflexBuild ? new RadarReflex(event) : undefined;
  const status = initialStatus(event);
  setHandler(messages.eventStatusQuery, () => status);
  const policy = await (reflex?.policy() ?? policyReads.currentPolicy());
  const run = new EventRun(event, status, policy, reflexBuild);

  setHandler(messages.reservationAnsweredSignal, (answer) => run.reservation.onAnswer(answer));
  setHandler(messages.turnGrantedSignal, (granted) => run.turns.onGranted(granted));
  setHandler(messages.turnDroppedSignal, (dropped) => run.turns.onDropped(dropped));
  setHandler(messages.premiseGoneSignal, (answered) => run.turns.onPremiseGone(answered));
  setHandler(messages.supersededSignal, (superseded) => run.turns.onSuperseded(superseded));
  const { controls } = run;
  setHandler(messages.commitUpdate, (a) => controls.commit(a), {
    validator: (a) => controls.validateCommit(a),
  });
  setHandler(messages.rollbackUpdate, (a) => controls.rollBack(a), {
    validator: (a) => controls.validateRollback(a),
  });
  const validateFailedDecision = (a: messages.OperatorAction) => controls.validateFailedDecision(a);
  setHandler(messages.retryUpdate, (a) => controls.retry(a), { validator: validateFailedDecision });
  setHandler(messages.abandonUpdate, (a) => controls.abandon(a), { validator: validateFailedDecision });
  setHandler(messages.outcomeUpdate, () => controls.outcome());

  run.enter('validate');
  const refusal = reflex ? undefined : belowConfidence(event.confidence, run.eventPolicy);
  if (refusal) {
    await run.finish('REJECTED', refusal);
  } else {
    for (let attempt = 1; ; attempt++) {
      const change = reflex ? await reflex.act(run, attempt) : await takeTurnAndApply(run, attempt);
      if (change) await watchWithoutController(run, change);
      if (!run.awaitingOperator() || !(await run.retryAfterFailure())) break;
    }
    await standByForManualRollback(run);
  }
  await condition(allHandlersFinished);
  return run.status;
}

// Under Worker Versioning (docs/upgrades.md) an event run is PINNED: it is short (its monitor
// window, then its rollback token: an hour by default), so it finishes on the build that started
// it and a new build never replays its history. A failed apply waiting for an operator keeps its
// build busy until retried or abandoned. Declared only on a versioned worker (workflows/versioning.ts).
setWorkflowOptions(whenVersioned('PINNED'), rrmEvent);

/** Watches the change; a controller that stays unreachable leaves it applied, for an operator. */
async function watchWithoutController(run: EventRun, change: ActiveChange): Promise<void> {
  try {
    await watchAndConclude(run, change);
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    await run.turns.stopWatching(run.event.apId);
    await run.finish('FAILED', `controller: ${failureReason(err)}; the change is still applied`);
  }
}
