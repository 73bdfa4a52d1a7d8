// apCoordinator (`ap:<apId>`): owns the turns of the AP's radios, their watches and cooldowns, and
// the AP's closed (radar) channels (docs/coordination.md). Shaped like the samples' mutex workflow:
// requests arrive by update(-with-start) and a free turn is granted in the answer; a turn that has
// to wait is handed out later by signalling the event workflow, and the holder signals it back. It
// never sleeps while a free turn has an eligible waiter, and it checks on holders whose lease ran
// out, so a vanished workflow never keeps a radio.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import * as turns from '../../domain/radio-turns';
import { whenVersioned } from '../versioning';
import * as messages from './messages';
import { Coordinator } from './state';

export interface ApCoordinatorInput {
  apId: string;
  settings: turns.TurnSettings;
  /** How long an idle coordinator waits for work before it ends. */
  idleTimeoutMs: number;
  /** Continue-as-new past this history length (or earlier when Temporal suggests it). */
  continueAsNewAfterEvents: number;
  /** State carried over by continue-as-new. */
  carried?: turns.ApTurnState;
}

// Under Worker Versioning (docs/upgrades.md) a coordinator is AUTO_UPGRADE: it lives as long as its
// AP has work and continues-as-new, so pinning it would keep an old build running indefinitely;
// instead it moves to the current build on its next workflow task. That build replays its history,
// so coordinator changes must stay replay-compatible (patched()). Declared only on a versioned
// worker (workflows/versioning.ts).
setWorkflowOptions(whenVersioned('AUTO_UPGRADE'), apCoordinator);

export async function apCoordinator(input: ApCoordinatorInput): Promise<void> {
  const coordinator = new Coordinator(input.carried ?? turns.initialTurnState(input.apId, input.settings));
  setHandler(messages.requestTurnUpdate, (request) => coordinator.requestTurn(request));
  setHandler(messages.requestTurnSignal, (request) => coordinator.queueTurn(request));
  setHandler(messages.releaseTurnSignal, (release) => coordinator.releaseTurn(release));
  setHandler(messages.endWatchSignal, (end) => coordinator.endWatch(end));
  setHandler(messages.closeChannelsSignal, (closure) => coordinator.closeChannels(closure));
  setHandler(messages.radarMovedSignal, (moved) => coordinator.radarMoved(moved));
  setHandler(messages.apStateQuery, () => coordinator.view());

  let idleSince: number | undefined;
  for (;;) {
    await coordinator.settle();
    coordinator.describe();

    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (continueAsNewSuggested || historyLength > input.continueAsNewAfterEvents) {
      await coordinator.auditsWritten();
      await condition(allHandlersFinished);
      await continueAsNew<typeof apCoordinator>({ ...input, carried: coordinator.carried });
    }

    // An idle coordinator (nothing queued, held, watched or closed) ends after its idle timeout.
    const now = Date.now();
    idleSince = coordinator.isIdle() ? (idleSince ?? now) : undefined;
    if (idleSince !== undefined && now >= idleSince + input.idleTimeoutMs) break;
    const wakeAt = idleSince !== undefined ? idleSince + input.idleTimeoutMs : coordinator.nextDeadline(now);
    await coordinator.waitForMessage(wakeAt);
  }
  await coordinator.auditsWritten();
}
