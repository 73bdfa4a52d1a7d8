// The radar reflex (docs/event-lifecycle.md): a radar report moves its radio first, in one local
// activity inside the event's first workflow task that reads, chooses and posts the move, with no
// turn asked for. Then the move is followed up: the move and its closure are told to the radio's
// coordinator (watch, cooldown, supersession), the move counts for the burst's joint re-plan, and
// the decisions are signed. The follow-up's activities wait in the queue behind every radar move.
import type { ReflexOutcome } from '../../activities/radar-reflex';
import { versionKey } from '../../domain/controller-steps';
import { radarChannelOf } from '../../domain/dfs';
import type { RrmEvent } from '../../domain/events';
import type { Policy } from '../../domain/policy';
import { policyReads, radarFollowUp, radarReflex } from '../activity-proxies';
import { failureReason, isActivityFailure } from '../controller-saga';
import type { CloseChannels } from '../coordinator/messages';
import { loopMetrics } from '../metrics';
import type { ActiveChange, EventRun } from './run';

export class RadarReflex {
  private readonly firstMove: Promise<ReflexOutcome>;

  /** Schedules the move at once: nothing of the run is waited for before it. */
  constructor(event: RrmEvent) {
    this.firstMove = move(event, 1);
    this.firstMove.catch(() => undefined); // awaited in act()
  }

  /** The worker's policy as the move read it; read anew when the move could not be made. */
  policy(): Promise<Policy> {
    return this.firstMove.then(
      (outcome) => outcome.policy,
      () => policyReads.currentPolicy(),
    );
  }

  /**
   * The move (the first one already under way; an operator's retry makes another), then what
   * follows it. As takeTurnAndApply: the change when one is on the network (signed APPLIED).
   */
  async act(run: EventRun, attempt: number): Promise<ActiveChange | undefined> {
    run.enter('apply');
    let outcome: ReflexOutcome;
    try {
      outcome = await (attempt === 1 ? this.firstMove : move(run.event, attempt));
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      await run.failApply(`controller: ${failureReason(err)}`);
      return undefined;
    }
    return followUp(run, outcome);
  }
}

function move(event: RrmEvent, attempt: number): Promise<ReflexOutcome> {
  return radarReflex.moveOffRadar({ event, changeId: `${event.eventId}:reflex:${attempt}`, at: Date.now() });
}

async function followUp(run: EventRun, outcome: ReflexOutcome): Promise<ActiveChange | undefined> {
  const { event } = run;
  run.actsOn([{ apId: event.apId, radios: [event.radio] }]);
  run.planAround({
    regulatoryDomain: outcome.regulatoryDomain,
    closedChannels: [...new Set([...outcome.closing, ...outcome.closures.map((c) => c.channel)])],
  });
  const closure = outcome.closing.length ? closeForNonOccupancy(run, outcome) : undefined;
  if (outcome.kind === 'decided') {
    const sign =
      outcome.outcome === 'FAILED'
        ? run.failApply(outcome.reason)
        : run.finish(outcome.outcome, outcome.reason);
    await Promise.all([tellCoordinators(run, outcome, closure), sign]);
    return undefined;
  }
  const { plan, step, version, baseline } = outcome;
  const versions = version === undefined ? {} : { [versionKey(step)]: version };
  const change = run.changeApplied({ plan, applied: { steps: [step], versions }, baseline });
  loopMetrics.changeApplied(event.type, change.appliedAt - Date.parse(event.receivedAt));
  const details = outcome.closuresUnread
    ? { closuresUnread: `the closure table could not be read: ${outcome.closuresUnread}` }
    : undefined;
  await Promise.all([
    tellCoordinators(run, outcome, closure, change),
    run.signApplied(change, outcome.closures, details),
  ]);
  return change;
}

/** The radar's bonded channel closes for the Non-Occupancy Period: signed with the next record. */
function closeForNonOccupancy(run: EventRun, outcome: ReflexOutcome): CloseChannels {
  const { closing: channels, neighbours, closedUntil: until } = outcome;
  run.signClosure(channels, until, neighbours);
  return { eventId: run.event.eventId, radio: run.event.radio, channels, until };
}

/**
 * The radio's coordinator learns of the move (its watcher superseded, the radio cooling down and
 * watched) and of the closure; the closure table gets the closure (the neighbours' too) when the
 * reflex could not write it.
 */
async function tellCoordinators(
  run: EventRun,
  outcome: ReflexOutcome,
  closure: CloseChannels | undefined,
  moved?: ActiveChange,
): Promise<void> {
  const { event, severity } = run;
  if (!moved && !closure) return;
  const move = moved && {
    eventId: event.eventId,
    type: event.type,
    severity,
    radio: event.radio,
    channel: radarChannelOf(event),
    movedAt: moved.appliedAt,
    watch: run.watchOf(moved),
  };
  await Promise.all([
    radarFollowUp.noticeRadarMove({
      apId: event.apId,
      ...run.turns.coordinator,
      move: move || undefined,
      closure,
    }),
    closure && !outcome.closureRecorded
      ? radarFollowUp.recordClosure({
          heardBy: event.apId,
          neighbours: outcome.neighbours,
          radio: closure.radio,
          channels: closure.channels,
          until: closure.until,
          closedBy: event.eventId,
        })
      : undefined,
  ]);
}
