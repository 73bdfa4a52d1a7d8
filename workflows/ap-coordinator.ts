// apCoordinator (`ap:<apId>`): owns the AP's turn, its cooldown and its closed (radar) channels.
// Shaped like the samples' mutex workflow: requests arrive by signal(-with-start), the turn is
// handed out by signalling the event workflow, and the holder signals it back.
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  setCurrentDetails,
  workflowInfo,
  allHandlersFinished,
  log,
} from '@temporalio/workflow';
import * as turn from '../domain/ap-turn';
import {
  apStateQuery,
  closeChannelsSignal,
  eventWorkflowId,
  preemptSignal,
  releaseTurnSignal,
  requestTurnSignal,
  turnDroppedSignal,
  turnGrantedSignal,
} from './definitions';

export interface ApCoordinatorInput {
  apId: string;
  cooldownMs: number;
  maxQueue: number;
  /** How long an idle coordinator waits for work before it ends. */
  idleTimeoutMs: number;
  /** Continue-as-new past this history length (or earlier when Temporal suggests it). */
  continueAsNewAfterEvents: number;
  /** State carried over by continue-as-new. */
  carried?: turn.ApTurnState;
}

export async function apCoordinator(input: ApCoordinatorInput): Promise<void> {
  let state = input.carried ?? turn.initialTurnState(input.apId, input.cooldownMs, input.maxQueue);
  // Set by signal handlers; the loop clears it before each pass so no signal is slept through.
  let signalled = false;
  const update = (next: turn.ApTurnState) => {
    state = next;
  };
  const onSignal = (next: turn.ApTurnState) => {
    signalled = true;
    state = next;
  };

  setHandler(requestTurnSignal, (request) => onSignal(turn.enqueue(state, request)));
  setHandler(releaseTurnSignal, ({ eventId, lastChangeAt }) =>
    onSignal(turn.release(state, eventId, lastChangeAt)),
  );
  setHandler(closeChannelsSignal, ({ eventId, radio, channels, until }) =>
    onSignal(turn.closeChannels(state, radio, channels, until, eventId)),
  );
  setHandler(apStateQuery, () => state);

  for (;;) {
    signalled = false;
    update(turn.reopenExpired(state, Date.now()));
    await tellDropped();
    await grantTurnIfFree();
    await askHolderToYield();
    describe();

    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (continueAsNewSuggested || historyLength > input.continueAsNewAfterEvents) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof apCoordinator>({ ...input, carried: state });
    }

    const deadline = turn.nextDeadline(state, Date.now());
    if (turn.isIdle(state)) {
      if (!(await condition(() => signalled, input.idleTimeoutMs))) return;
    } else if (deadline !== undefined) {
      await condition(() => signalled, Math.max(1, deadline - Date.now()));
    } else {
      await condition(() => signalled);
    }
  }

  async function grantTurnIfFree(): Promise<void> {
    for (let next = turn.nextToGrant(state, Date.now()); next; next = turn.nextToGrant(state, Date.now())) {
      update(turn.grant(state, next.eventId, Date.now()));
      try {
        await getExternalWorkflowHandle(eventWorkflowId(next.eventId)).signal(turnGrantedSignal, {
          apId: state.apId,
          closedChannels: turn.closedChannelsOf(state, next.radio),
        });
        return;
      } catch (err) {
        // The event workflow is gone (terminated, timed out): its turn passes on.
        log.warn('turn holder vanished; granting the next', { eventId: next.eventId, error: String(err) });
        update(turn.withdraw(state, next.eventId));
      }
    }
  }

  async function tellDropped(): Promise<void> {
    const { state: next, dropped } = turn.takeDropped(state);
    update(next);
    for (const request of dropped) {
      try {
        await getExternalWorkflowHandle(eventWorkflowId(request.eventId)).signal(turnDroppedSignal, {
          apId: state.apId,
          waiting: state.queue.length,
        });
      } catch (err) {
        log.warn('dropped event already gone', { eventId: request.eventId, error: String(err) });
      }
    }
  }

  async function askHolderToYield(): Promise<void> {
    const by = turn.preemptor(state);
    if (!by || !state.holder) return;
    const holder = state.holder.eventId;
    update(turn.markPreempted(state, by.eventId));
    try {
      await getExternalWorkflowHandle(eventWorkflowId(holder)).signal(preemptSignal, {
        apId: state.apId,
        eventId: by.eventId,
        type: by.type,
        severity: by.severity,
        channel: by.channel,
      });
    } catch (err) {
      log.warn('holder vanished before yielding', { eventId: holder, error: String(err) });
      update(turn.withdraw(state, holder));
    }
  }

  function describe(): void {
    const holder = state.holder ? `${state.holder.eventId} (${state.holder.severity})` : 'nobody';
    const closed = state.closedChannels.map((c) => c.channel).join(', ') || 'none';
    setCurrentDetails(`holder: ${holder}; waiting: ${state.queue.length}; closed channels: ${closed}`);
  }
}
