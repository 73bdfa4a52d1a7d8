// Take the radios' turns, plan, take a baseline, apply, and give the turns back at once: the turn
// is held for seconds, never through the monitor window (docs/coordination.md). A change with a
// monitor window leaves a watch on its radio as the turn is given back.
import { premiseGoneReason, staleness, turnScope, unknownApRefusal } from '../../domain/change-decisions';
import { versionsOf } from '../../domain/controller-steps';
import {
  closureNeighbours,
  nonOccupancyEnd,
  radarClosure,
  unionOfClosures,
  type ClosedChannel,
} from '../../domain/dfs';
import type { PlanningContext } from '../../domain/plans';
import { radioOf, type ApSnapshot, type RadioSnapshot } from '../../domain/radio';
import type { MonitorSample } from '../../activities/controller';
import { closureReads, controllerReads } from '../activity-proxies';
import { loopMetrics } from '../metrics';
import { applySteps, failureReason, isActivityFailure, unknownApOf } from '../controller-saga';
import type { ActiveChange, EventRun } from './run';
import type { Outcome } from './status';

/** Re-plans after the controller reports the AP's configuration moved under us or radar on the choice. */
const MAX_VERSION_CONFLICTS = 3;

/** What plan and apply came to while the turns were held; recorded once they are given back. */
type Decided =
  | { outcome: Extract<Outcome, 'REJECTED' | 'NO_ACTION' | 'STALE' | 'FAILED'>; reason: string }
  | { outcome: 'APPLIED'; change: ActiveChange };

/**
 * Takes the event's turns and acts. The change when one went onto the network (signed APPLIED);
 * undefined when the event was decided without one (or its apply FAILED, waiting for an operator).
 */
export async function takeTurnAndApply(run: EventRun, attempt: number): Promise<ActiveChange | undefined> {
  run.enter('waiting');
  const { event } = run;
  // Failover changes the neighbours too: their turns are taken with the AP's, in AP-id order.
  let neighbours: string[] = [];
  if (event.type === 'HW_FAILURE') {
    try {
      neighbours = (await controllerReads.readAp(event.apId)).neighbors;
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      const unknown = refuseUnknownAp(err, event.apId);
      await (unknown ? run.finish('REJECTED', unknown) : run.failApply(`controller: ${failureReason(err)}`));
      return undefined;
    }
  }
  run.actsOn(turnScope(event.type, event.apId, event.radio, neighbours));
  // Read while the turn is asked for: a free radio's turn comes in the answer, and its plan needs no
  // second round of reads. After a wait the radio may have changed, so it is read again; a change
  // landing between the read and the grant fails the apply's version check and is planned again.
  const early = startReadings(run);
  const askedAt = Date.now();
  const turns = await run.turns.acquire(run.scope);
  if (turns.kind === 'dropped') {
    const { apId, waiting } = turns.dropped;
    await run.finish(
      'REJECTED',
      `dropped: the queue of ${apId} is full (${waiting} more urgent events waiting)`,
    );
    return undefined;
  }
  if (turns.kind === 'premise-gone') {
    const { by } = turns.answered;
    await run.finish('NO_ACTION', premiseGoneReason(turns.answered), { details: { answeredBy: by.eventId } });
    return undefined;
  }
  if (turns.kind === 'superseded') {
    await run.finish(
      'SUPERSEDED',
      `superseded by ${turns.by.eventId} (${turns.by.severity}) before its turn`,
    );
    return undefined;
  }
  run.turnsGranted(askedAt);
  let decided: Decided;
  const release = () =>
    run.turns.release(
      run.lastChangeAt,
      decided.outcome === 'APPLIED' ? run.watchOf(decided.change) : undefined,
    );
  try {
    decided = await planAndApply(run, attempt, run.turns.grantedAtOnce ? early : startReadings(run));
  } catch (err) {
    if (!isActivityFailure(err)) {
      run.reservation.release();
      await run.turns.release(run.lastChangeAt, run.change && run.watchOf(run.change));
      throw err;
    }
    // An AP the controller does not know is refused at once; an unreachable controller or a refused
    // read is FAILED: an operator decides what happens next.
    const unknown = refuseUnknownAp(err, event.apId);
    decided = unknown
      ? { outcome: 'REJECTED', reason: unknown }
      : { outcome: 'FAILED', reason: `controller: ${failureReason(err)}` };
  }
  if (decided.outcome !== 'APPLIED') run.reservation.release();
  // The turn goes back while the decision is signed: neither waits for the other.
  await Promise.all([release(), sign(run, decided)]);
  return decided.outcome === 'APPLIED' ? decided.change : undefined;
}

/** Why an event on `apId` is refused when `err` says the controller does not know that AP. */
function refuseUnknownAp(err: unknown, apId: string): string | undefined {
  return unknownApOf(err) === apId ? unknownApRefusal(apId) : undefined;
}

async function sign(run: EventRun, decided: Decided): Promise<void> {
  if (decided.outcome === 'APPLIED') {
    const granted = run.turns.closuresOf(run.event.apId, run.event.radio);
    await run.signApplied(decided.change, unionOfClosures(granted, run.closuresRead));
  } else if (decided.outcome === 'FAILED') await run.failApply(decided.reason);
  else await run.finish(decided.outcome, decided.reason);
}

async function planAndApply(run: EventRun, attempt: number, readings: Readings): Promise<Decided> {
  const { event, eventPolicy } = run;
  const stale = staleness(event.detectedAt, Date.now(), eventPolicy);
  if (stale) return { outcome: 'STALE', reason: stale };

  run.enter('plan');
  let { views, baseline: baselineRead } = readings;
  let ap = await readings.ap;
  let radio = radioOf(ap, event.radio);
  if (!radio) return noRadio(run);
  // Closures the coordinator knew at the grant, and the closure table's (a radar move's closure
  // reaches the table at once and the coordinator after the move: docs/coordination.md, "Closures").
  const closuresRead = await readings.closures;
  const closed = new Set([
    ...run.turns.closedChannels(event.apId, event.radio),
    ...run.status.closedChannels,
    ...closedIn(closuresRead),
  ]);
  // Regulatory obligation first: the radar's bonded channel closes whatever the plan turns out to be.
  // Nothing of the closure is waited for: its signal leaves with the plan's workflow task and the
  // audit signs it with the next record (the Channel Move Time runs; docs/event-lifecycle.md). One
  // detection closes once: an operator's retry plans around the closure, it does not close again.
  const closedByRadar =
    event.type === 'DFS_RADAR' && !run.status.closedChannels.length
      ? radarClosure(event.data.channel, radio, run.turns.undoneMoveOnto(event.apId))
      : [];
  closedByRadar.forEach((c) => closed.add(c));
  run.planAround({ regulatoryDomain: ap.regulatoryDomain, closedChannels: [...closed], closuresRead });
  if (closedByRadar.length) closeForNonOccupancy(run, closedByRadar, ap.neighbors);

  const unavailable: number[] = [];
  for (let conflicts = 0; ; conflicts++) {
    const ctx = await planningContext(run, ap, radio, unavailable, views);
    const plan = await run.reservation.plan(ctx);
    if (plan.kind === 'no_action') return { outcome: 'NO_ACTION', reason: plan.explanation };
    if (plan.kind === 'impossible') return { outcome: 'FAILED', reason: plan.explanation };

    run.enter('baseline');
    const baseline = await baselineRead;
    run.enter('apply');
    const changeId = `${event.eventId}:apply:${attempt}.${conflicts}`;
    const result = await applySteps(plan.steps, versionsOf([ap, ...(ctx.neighbours ?? [])]), changeId);
    const retries = conflicts + 1 < MAX_VERSION_CONFLICTS;
    if (result.kind === 'unavailable' && result.channels.length && retries) {
      // The controller saw radar there: choose again without those channels.
      unavailable.push(...result.channels);
      run.enter('plan');
      views = readRadioViews(run);
      continue;
    }
    if (result.kind === 'conflict' && retries) {
      // The radio changed under the plan (a radar move, perhaps): plan again around its closures too.
      run.enter('plan');
      views = readRadioViews(run);
      baselineRead = readBaseline(run);
      const closures = readClosures(run);
      ap = await controllerReads.readAp(event.apId);
      radio = radioOf(ap, event.radio);
      if (!radio) return noRadio(run);
      const reread = await closures;
      run.planAround({
        closedChannels: [...new Set([...run.closedChannels, ...closedIn(reread)])],
        closuresRead: reread,
      });
      continue;
    }
    if (result.kind !== 'applied') return { outcome: 'FAILED', reason: `apply failed: ${result.reason}` };
    if (result.applied.steps.length === 0) {
      return {
        outcome: 'NO_ACTION',
        reason: `${plan.explanation}; the controller moved none of the clients`,
      };
    }
    const change = run.changeApplied({ plan, applied: result.applied, baseline });
    loopMetrics.changeApplied(event.type, change.appliedAt - Date.parse(event.receivedAt));
    return { outcome: 'APPLIED', change };
  }
}

function noRadio(run: EventRun): Decided {
  return { outcome: 'REJECTED', reason: `${run.event.apId} has no ${run.event.radio} radio` };
}

/** What a plan reads of the AP and its radio, all started at once (none depends on another). */
interface Readings {
  ap: Promise<ApSnapshot>;
  views: RadioViews;
  /** The radio before the change, when the change will be monitored. */
  baseline: Promise<MonitorSample | undefined>;
  /** Channels of the radio in the closure table, when the plan may move it. */
  closures: Promise<ClosedChannel[]>;
}

function startReadings(run: EventRun): Readings {
  const ap = controllerReads.readAp(run.event.apId);
  ap.catch(() => undefined); // not awaited when the turn is not granted at once
  return { ap, views: readRadioViews(run), baseline: readBaseline(run), closures: readClosures(run) };
}

/** The radio's closures in the closure table, started now, when its planner may move its channel. */
function readClosures(run: EventRun): Promise<ClosedChannel[]> {
  if (!run.planner.needs.scan || !run.readsClosureTable) return Promise.resolve([]);
  const { apId, radio } = run.own;
  const read = closureReads.readClosures(apId, radio);
  read.catch(() => undefined); // a failure surfaces where it is awaited
  return read;
}

const closedIn = (closures: ClosedChannel[]) => closures.map((c) => c.channel);

/** The radio's scan and clients as its planner needs them, started now. */
interface RadioViews {
  observations: Promise<PlanningContext['observations']>;
  clients: Promise<PlanningContext['clients']>;
}

export function readRadioViews(run: EventRun): RadioViews {
  const { needs } = run.planner;
  const { apId, radio } = run.own;
  const views = {
    observations: needs.scan ? controllerReads.scanChannels(apId, radio) : Promise.resolve(undefined),
    clients: needs.clients ? controllerReads.readClients(apId, radio) : Promise.resolve(undefined),
  };
  // Not awaited when the plan ends before it reads them; a failure surfaces where they are awaited.
  for (const read of Object.values(views)) read.catch(() => undefined);
  return views;
}

export async function planningContext(
  run: EventRun,
  ap: ApSnapshot,
  radio: RadioSnapshot,
  unavailableChannels: number[],
  views: RadioViews = readRadioViews(run),
): Promise<PlanningContext> {
  const { event, planner } = run;
  const { needs } = planner;
  const neighbourIds = run.scope.map((s) => s.apId).filter((id) => id !== event.apId);
  const [observations, clients, neighbours] = await Promise.all([
    views.observations,
    views.clients,
    needs.neighbours
      ? Promise.all(
          (event.type === 'HW_FAILURE' ? neighbourIds : ap.neighbors).map((id) => controllerReads.readAp(id)),
        )
      : undefined,
  ]);
  return {
    event,
    ap,
    radio,
    closedChannels: run.closedChannels,
    unavailableChannels,
    policy: run.policy,
    observations,
    clients,
    neighbours,
  };
}

/** A monitored change's baseline sample, started now; a failure surfaces where it is awaited. */
function readBaseline(run: EventRun): Promise<MonitorSample | undefined> {
  const { event, eventPolicy } = run;
  if (eventPolicy.monitorWindowMs === 0) return Promise.resolve(undefined);
  const read = controllerReads.sampleRadio(event.apId, event.radio);
  read.catch(() => undefined); // not awaited when the plan comes to no change
  return read;
}

/**
 * Closes the radar's channels on this AP and, when the policy says so, on its RF neighbours: the
 * APs the controller lists as its neighbours, within the same radar's range (docs/coordination.md).
 */
function closeForNonOccupancy(run: EventRun, channels: number[], apNeighbours: string[]): void {
  const { event } = run;
  const until = nonOccupancyEnd(run.policy, Date.now());
  const neighbours = closureNeighbours(run.policy, apNeighbours);
  run.turns.closeChannels(event.apId, { radio: event.radio, channels, until }, neighbours);
  run.signClosure(channels, until, neighbours);
}
