// The radar reflex (docs/event-lifecycle.md, "The radar reflex"): one activity from a radar report to
// the move in the controller. It reads the radio, its channel scan and the closures it must avoid
// (./closures.ts) at once, chooses with the domain's selection and posts the move under the radio's
// compare-and-set. The event workflow does everything else once the move has landed.
import { belowConfidence, staleness, unknownApRefusal } from '../domain/change-decisions';
import type { ControllerStep } from '../domain/controller-steps';
import type { RrmEvent } from '../domain/events';
import {
  closureNeighbours,
  nonOccupancyEnd,
  radarChannelOf,
  radarClosedChannels,
  type ClosedChannel,
} from '../domain/dfs';
import { PLANNERS, type ActionPlan } from '../domain/plans';
import type { Policy } from '../domain/policy';
import { changedParams, radioOf, type ApSnapshot, type RadioSnapshot } from '../domain/radio';
import { bondedSubchannels, type RegulatoryDomain } from '../domain/regulatory';
import type { ClosureTable } from './closures';
import { asFailure, type ControllerPort, type MonitorSample } from './controller';
import { ControllerError } from './controller/port';
import { oneAtATime } from './one-at-a-time';

/** Plans again after the radio changed under the reflex or the controller found radar on its choice. */
const MAX_PLANS = 3;
/**
 * The closure table may hold the move up no longer than this: past it the reflex moves on what the
 * controller guards itself (the radio's own DFS states) and says so in the audit.
 */
const CLOSURES_READ_BUDGET_MS = 500;

export interface ReflexRequest {
  event: RrmEvent;
  /** The move's change id: one per reflex of the event (an operator's retry makes another). */
  changeId: string;
  /**
   * The workflow's time when it asked for the move (epoch ms): the report's age, the closures in
   * force and the Non-Occupancy Period's start are all taken at it, on the clock the workflow's
   * timers run on (a retry of the move does not change them).
   */
  at: number;
}

type RadioStep = Extract<ControllerStep, { kind: 'radio' }>;

interface ReflexFacts {
  /** The worker's policy the reflex acted on: the event's run goes on with it. */
  policy: Policy;
  regulatoryDomain: RegulatoryDomain;
  /** The 20 MHz channels this detection closes on the radio (none when nothing was read or it joined another). */
  closing: number[];
  /** Epoch ms at which their Non-Occupancy Period ends: the table, the coordinator and the audit say the same. */
  closedUntil: number;
  /** The RF neighbours the closure also holds for (the policy's `radar.closeForNeighbours`). */
  neighbours: string[];
  /** Closures of the radio read before the move, with the detection behind each. */
  closures: ClosedChannel[];
  /** Why the closures could not be read (the move went on without them), when they could not. */
  closuresUnread?: string;
  /** Whether `closing` is in the closure table already; if not, the workflow records it. */
  closureRecorded: boolean;
}

export type ReflexOutcome = ReflexFacts &
  (
    | {
        kind: 'moved';
        plan: ActionPlan & { kind: 'change' };
        step: RadioStep;
        /** The radio's version after the move (the guard of its next change). */
        version?: number;
        baseline?: MonitorSample;
        /** Found applied by a retry of the reflex (its first attempt died after the move). */
        recovered?: boolean;
      }
    | { kind: 'decided'; outcome: 'REJECTED' | 'NO_ACTION' | 'STALE' | 'FAILED'; reason: string }
  );

export interface RadarReflexActivities {
  moveOffRadar(request: ReflexRequest): Promise<ReflexOutcome>;
}

export interface RadarReflexDeps {
  controller: ControllerPort;
  closures: ClosureTable;
  /** The worker's policy as it stands. */
  policy: () => Policy;
}

export function createRadarReflexActivities(deps: RadarReflexDeps): RadarReflexActivities {
  // Reports of one radio run one after another in this process: the reports of one detection (one
  // per 20 MHz sub-channel) find the radio moved and the channel closed by the first, and join it.
  const perRadio = oneAtATime();
  return {
    moveOffRadar: (request) =>
      perRadio(`${request.event.apId}/${request.event.radio}`, () => reflex(deps, request)).catch(
        (err: unknown) => {
          throw asFailure(err);
        },
      ),
  };
}

async function reflex(deps: RadarReflexDeps, { event, changeId, at }: ReflexRequest): Promise<ReflexOutcome> {
  const { controller } = deps;
  const policy = deps.policy();
  const eventPolicy = policy.events.DFS_RADAR;
  let facts: ReflexFacts = {
    policy,
    regulatoryDomain: policy.regulatoryDomain,
    closing: [],
    closedUntil: nonOccupancyEnd(policy, at),
    neighbours: [],
    closures: [],
    closureRecorded: true,
  };
  const decided = (
    outcome: 'REJECTED' | 'NO_ACTION' | 'STALE' | 'FAILED',
    reason: string,
  ): ReflexOutcome => ({
    ...facts,
    kind: 'decided',
    outcome,
    reason,
  });
  const refusal =
    belowConfidence(event.confidence, eventPolicy) ?? staleness(event.detectedAt, at, eventPolicy);
  if (refusal) return decided(refusal.startsWith('confidence') ? 'REJECTED' : 'STALE', refusal);

  const monitored = eventPolicy.monitorWindowMs > 0;
  // The baseline is read before the move is posted, but never waited for by it.
  const baseline = monitored
    ? controller.sampleRadio(event.apId, event.radio).catch(() => undefined)
    : Promise.resolve(undefined);
  let ap: ApSnapshot;
  let observations;
  let read: { closures: ClosedChannel[]; unread?: string };
  try {
    [ap, observations, read] = await Promise.all([
      controller.readAp(event.apId),
      controller.scanChannels(event.apId, event.radio),
      closuresOf(deps.closures, event, at),
    ]);
  } catch (err) {
    if (err instanceof ControllerError && err.type === 'UnknownAp') {
      return decided('REJECTED', unknownApRefusal(event.apId));
    }
    throw err;
  }
  const radar = radarChannelOf(event);
  const neighbours = closureNeighbours(policy, ap.neighbors);
  facts = {
    ...facts,
    regulatoryDomain: ap.regulatoryDomain,
    neighbours,
    closures: read.closures,
  };
  if (read.unread) facts.closuresUnread = read.unread;

  // An operator's retry of this event plans around its closure but does not close again: the
  // Non-Occupancy Period runs from the detection.
  const closedEarlier = read.closures.filter((c) => c.closedBy === event.eventId).map((c) => c.channel);
  const closedNow = (radio: RadioSnapshot) =>
    radarClosedChannels(radar, radio).filter((c) => !closedEarlier.includes(c));
  const onAir = radioOf(ap, event.radio);
  const leftRadar = onAir !== undefined && !operatingChannels(onAir).includes(radar);
  // Off the radar channel already: perhaps by this very move, made by an attempt that died before
  // it could tell (a retry, or the whole workflow task again after a worker crash).
  const earlier = leftRadar ? await controller.changeOf(event.apId, changeId) : undefined;
  if (earlier) {
    const radio = { ...onAir!, config: earlier.from };
    facts.closing = closedNow(radio);
    facts.closureRecorded = await recorded(deps.closures, event, facts);
    const step: RadioStep = {
      kind: 'radio',
      apId: event.apId,
      radio: earlier.radio,
      from: earlier.from,
      target: Object.fromEntries(changedParams(earlier.from, earlier.to).map((p) => [p, earlier.to[p]])),
    };
    const explanation = `radar on channel ${radar}; moved to ${earlier.to.channel}/${earlier.to.width} MHz (found applied by a retry of the move)`;
    const plan: ActionPlan & { kind: 'change' } = {
      kind: 'change',
      actionType: 'CHANNEL_CHANGE',
      steps: [step],
      explanation,
    };
    return { ...facts, kind: 'moved', plan, step, recovered: true };
  }

  const radio = onAir;
  if (!radio) return decided('REJECTED', `${event.apId} has no ${event.radio} radio`);
  const { channel, width } = radio.config;
  const joined = read.closures.find((c) => c.channel === radar && c.closedBy !== event.eventId);
  if (joined && leftRadar) {
    // Another report of this detection (one per 20 MHz sub-channel) moved the radio and closed the channel.
    return decided(
      'NO_ACTION',
      `radar on channel ${radar} is handled by ${joined.closedBy}: the radio left it (now on ${channel}/${width} MHz)`,
    );
  }
  facts.closing = closedNow(radio);
  const closed = [...new Set([...facts.closing, ...read.closures.map((c) => c.channel)])];
  const unavailable: number[] = [];
  let current = radio;
  for (let plans = 1; ; plans++) {
    const plan = PLANNERS.DFS_RADAR.plan({
      event,
      ap,
      radio: current,
      closedChannels: closed,
      unavailableChannels: unavailable,
      policy,
      observations,
      // Neighbours' bookings unseen, it draws among equal channels; with reservations off, as any
      // plan then does, it takes the first best.
      blind: policy.channelReservations.enabled,
    });
    if (plan.kind !== 'change') {
      facts.closureRecorded = await recorded(deps.closures, event, facts);
      return decided(plan.kind === 'no_action' ? 'NO_ACTION' : 'FAILED', plan.explanation);
    }
    // No booking (docs/coordination.md, "Reservations").
    if (policy.channelReservations.enabled)
      plan.explanation = `${plan.explanation}; neighbours' moves in flight not seen: a radar move waits for none`;
    const step = plan.steps[0] as RadioStep;
    try {
      // One change id for every plan: a refused step leaves no record under it, a landed one does.
      const result = await controller.applyStep({ step, changeId, expectedVersion: current.version });
      facts.closureRecorded = await recorded(deps.closures, event, facts);
      return { ...facts, kind: 'moved', plan, step, version: result.version, baseline: await baseline };
    } catch (err) {
      if (!(err instanceof ControllerError)) throw err; // unreachable: retried by the activity's policy
      const replan = err.type === 'ChannelUnavailable' || err.type === 'VersionConflict';
      if (!replan || plans >= MAX_PLANS) {
        // Refused: the radio stays (an operator decides), the detection's closure holds all the same.
        facts.closureRecorded = await recorded(deps.closures, event, facts);
        return decided('FAILED', `apply failed: ${err.type}: ${err.message}`);
      }
      if (err.type === 'ChannelUnavailable') {
        unavailable.push(...((err.details?.radarChannels as number[] | undefined) ?? []));
      } else if (err.type === 'VersionConflict') {
        // The radio changed under the reflex (an action mid-apply, another report of this radar).
        ap = await controller.readAp(event.apId);
        current = radioOf(ap, event.radio)!;
      }
    }
  }
}

/** The 20 MHz channels the radio occupies now. */
function operatingChannels({ radio, config, regulatoryDomain }: RadioSnapshot): number[] {
  return bondedSubchannels(radio, config.channel, config.width, regulatoryDomain);
}

/** The radio's closures, within the budget; on failure none, and why. */
async function closuresOf(
  table: ClosureTable,
  event: RrmEvent,
  at: number,
): Promise<{ closures: ClosedChannel[]; unread?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CLOSURES_READ_BUDGET_MS} ms`)),
      CLOSURES_READ_BUDGET_MS,
    );
  });
  try {
    return { closures: await Promise.race([table.closedFor(event.apId, event.radio, at), late]) };
  } catch (err) {
    return { closures: [], unread: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Records the detection's closure once the move is done; false when the table could not take it. */
async function recorded(table: ClosureTable, event: RrmEvent, facts: ReflexFacts): Promise<boolean> {
  if (!facts.closing.length) return true;
  try {
    await table.close({
      heardBy: event.apId,
      neighbours: facts.neighbours,
      radio: event.radio,
      channels: facts.closing,
      until: facts.closedUntil,
      closedBy: event.eventId,
    });
    return true;
  } catch {
    return false;
  }
}
