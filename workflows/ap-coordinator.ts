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
  getExternalWorkflowHandle,
  log,
  setCurrentDetails,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import * as turns from '../domain/radio-turns';
import { RADIOS } from '../domain/regulatory';
import { audit, coordination } from './activity-proxies';
import { Alarms } from './alarms';
import { whenVersioned } from './versioning';
import {
  apStateQuery,
  closeChannelsSignal,
  endWatchSignal,
  eventWorkflowId,
  radarMovedSignal,
  releaseTurnSignal,
  requestTurnSignal,
  requestTurnUpdate,
  supersededSignal,
  type TurnAnswer,
  turnDroppedSignal,
  turnGrantedSignal,
} from './definitions';

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
  let state = input.carried ?? turns.initialTurnState(input.apId, input.settings);
  // Set by signal handlers; the loop clears it before each pass so no signal is slept through.
  let signalled = false;
  const onSignal = (next: turns.ApTurnState) => {
    signalled = true;
    state = next;
  };
  // Reclaim audits are written in the background: a turn never waits for the audit store.
  const audits: Promise<unknown>[] = [];
  const alarms = new Alarms();
  let idleSince: number | undefined;

  setHandler(requestTurnUpdate, (req): TurnAnswer => {
    onSignal(grantWhatIsFree(turns.request(state, req, Date.now())));
    const { state: next, answer } = turns.takeAnswer(state, req.eventId);
    state = next;
    const { apId } = state;
    if (!answer) return { kind: 'queued', apId };
    const { eventId: _, ...told } = answer;
    return { ...told, apId };
  });
  setHandler(requestTurnSignal, (req) => onSignal(turns.request(state, req, Date.now())));
  setHandler(releaseTurnSignal, ({ lastChangeAt, watch, ...party }) =>
    onSignal(turns.release(state, party, lastChangeAt, Date.now(), watch)),
  );
  setHandler(endWatchSignal, ({ eventId }) => onSignal(turns.endWatch(state, eventId)));
  setHandler(closeChannelsSignal, ({ eventId, radio, channels, until, heardBy }) =>
    onSignal(turns.closeChannels(state, radio, channels, until, eventId, heardBy)),
  );
  setHandler(radarMovedSignal, ({ closure, ...move }) => {
    const closed = closure
      ? turns.closeChannels(state, closure.radio, closure.channels, closure.until, closure.eventId)
      : state;
    onSignal(turns.radarMoved(closed, move, Date.now()));
  });
  setHandler(apStateQuery, () => turns.viewOf(state));

  for (;;) {
    signalled = false;
    await settle();
    describe();

    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (continueAsNewSuggested || historyLength > input.continueAsNewAfterEvents) {
      await Promise.all(audits);
      await condition(allHandlersFinished);
      await continueAsNew<typeof apCoordinator>({ ...input, carried: state });
    }

    // An idle coordinator (nothing queued, held, watched or closed) ends after its idle timeout.
    const now = Date.now();
    idleSince = turns.isIdle(state) ? (idleSince ?? now) : undefined;
    if (idleSince !== undefined && now >= idleSince + input.idleTimeoutMs) break;
    const wakeAt = idleSince !== undefined ? idleSince + input.idleTimeoutMs : turns.nextDeadline(state, now);
    await alarms.until(() => signalled, wakeAt);
  }
  await Promise.all(audits);

  /** Ends what has run out (closures, watches), then grants every turn that is free for a waiter. */
  function grantWhatIsFree(s: turns.ApTurnState): turns.ApTurnState {
    const now = Date.now();
    return turns.grantReady(turns.expire(s, now), now);
  }

  /** Expires, grants, delivers and checks leases until nothing more can happen without a signal. */
  async function settle(): Promise<void> {
    for (;;) {
      state = grantWhatIsFree(state);
      const { state: next, notices } = turns.takeOutbox(state);
      state = next;
      const due = turns.leasesDue(state, Date.now());
      if (notices.length === 0 && due.length === 0) return;
      await Promise.all([...notices.map(deliver), ...due.map(checkLease)]);
    }
  }

  async function deliver(notice: turns.TurnNotice): Promise<void> {
    const handle = getExternalWorkflowHandle(eventWorkflowId(notice.eventId));
    try {
      const { eventId: _, ...told } = notice;
      const { apId } = state;
      if (told.kind === 'granted') await handle.signal(turnGrantedSignal, { ...told, apId });
      else if (told.kind === 'dropped') await handle.signal(turnDroppedSignal, { ...told, apId });
      else await handle.signal(supersededSignal, { ...told, apId });
    } catch (err) {
      // The event workflow has closed (terminated, timed out, reset away): what it held passes on.
      if (notice.kind !== 'dropped') takeBack(notice.eventId, `did not answer a ${notice.kind} signal`);
      log.warn('event workflow gone', { eventId: notice.eventId, error: String(err) });
    }
  }

  /** A holder's lease ran out (or a watch keeps someone waiting): is its workflow still running? */
  async function checkLease(eventId: string): Promise<void> {
    const status = await coordination.eventRunStatus(eventId);
    if (status === 'RUNNING') state = turns.renewLease(state, eventId, Date.now());
    else takeBack(eventId, `workflow ${status}`);
  }

  function takeBack(eventId: string, why: string): void {
    const { state: next, reclaimed } = turns.reclaim(state, eventId);
    state = next;
    if (!reclaimed) return;
    const what = [
      ...reclaimed.held.map((r) => `turn of ${r}`),
      ...reclaimed.watched.map((r) => `watch of ${r}`),
    ].join(', ');
    const { party } = reclaimed;
    // Detached on purpose (awaited before continue-as-new and at the end): see `audits`.
    audits.push(
      audit.recordAudit({
        eventId: party.eventId,
        eventType: party.type,
        severity: party.severity,
        apId: state.apId,
        actionType: 'TURN',
        configurationChanges: [],
        rollbackToken: null,
        rollbackEligible: false,
        manualRollbackEligible: false,
        confidence: 1,
        executionStatus: 'TURN_RECLAIMED',
        reason: `${what} reclaimed from ${eventWorkflowId(party.eventId)}: ${why}`,
        degradationDetected: false,
        autoRollbackTriggered: false,
        details: { holder: party.eventId, status: why, held: reclaimed.held, watched: reclaimed.watched },
        idempotencyKey: `${state.apId}:reclaim:${party.eventId}:${Date.now()}`,
      }),
    );
  }

  function describe(): void {
    const radios = RADIOS.map((r) => {
      const { holder, watch } = state.radios[r];
      const parts = [holder && `held by ${holder.eventId}`, watch && `watched by ${watch.eventId}`].filter(
        Boolean,
      );
      return parts.length ? `${r}: ${parts.join(', ')}` : undefined;
    }).filter(Boolean);
    const closed = state.closedChannels.map((c) => c.channel).join(', ') || 'none';
    setCurrentDetails(
      `${radios.join('; ') || 'all radios free'}; waiting: ${state.queue.length}; closed channels: ${closed}`,
    );
  }
}
