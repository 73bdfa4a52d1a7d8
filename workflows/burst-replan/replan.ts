// One burst's joint re-plan: the moved radios grouped into RF neighbourhoods, each planned from fresh
// reads (domain/joint-plan.ts), and a JOINT_REPLAN event started for each move the plan keeps.
import {
  ParentClosePolicy,
  patched,
  setCurrentDetails,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { candidateScores } from '../../domain/channel-selection';
import type { RrmEvent } from '../../domain/events';
import {
  neighbourhoods,
  planJointly,
  type JointMove,
  type JointMoveGain,
  type JointRadio,
} from '../../domain/joint-plan';
import type { JointReplanMoveData } from '../../domain/plans';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy';
import type { Severity } from '../../domain/event-types';
import { taskPriorityKey } from '../../domain/priority';
import { radioOf, type ApSnapshot } from '../../domain/radio';
import { controllerReads, coordination } from '../activity-proxies';
import { failureReason, isActivityFailure } from '../controller-saga';
import { EVENT_WORKFLOW_TYPE, eventWorkflowId } from '../event/messages';
import type { BurstPlanned, ChannelChange } from './messages';

const RADIO = '5g';

export async function replanBurst(
  burst: ChannelChange[],
  settings: Policy['jointReplan'],
  severity: Severity,
): Promise<BurstPlanned[]> {
  if (!settings.enabled) return [];
  const moved = [...new Set(burst.filter((c) => c.radio === RADIO).map((c) => c.apId))];
  const aps = await readAps(moved);
  const planned: BurstPlanned[] = [];
  for (const group of neighbourhoods([...aps.keys()], (id) => aps.get(id)?.neighbors ?? [])) {
    if (group.length < settings.minRadios) continue;
    try {
      planned.push(await replanNeighbourhood(group, aps, burst, settings, severity));
    } catch (err) {
      // The controller could not be read for this neighbourhood: it keeps its radios where they are.
      if (!isActivityFailure(err)) throw err;
      setCurrentDetails(`burst of ${group.length} radios not re-planned: ${failureReason(err)}`);
    }
  }
  return planned;
}

async function replanNeighbourhood(
  group: string[],
  aps: Map<string, ApSnapshot>,
  burst: ChannelChange[],
  settings: Policy['jointReplan'],
  severity: Severity,
): Promise<BurstPlanned> {
  // Their neighbours that did not move stay where they are, but count for the co-channel pairs.
  const around = [...new Set(group.flatMap((id) => aps.get(id)!.neighbors))].filter(
    (id) => !group.includes(id),
  );
  const [fixed, scans, closed] = await Promise.all([
    readAps(around),
    Promise.all(group.map((id) => controllerReads.scanChannels(id, RADIO))),
    coordination.closedChannelsOf(group, RADIO),
  ]);
  // Radar heard by any radio of the neighbourhood closes its channels for the whole plan: the radar's
  // reach is not known more finely, and a move into it would only be refused.
  const closedHere = [...new Set(Object.values(closed).flat())];
  const planned = new Set([...group, ...fixed.keys()]);
  const neighboursOf = (ap: ApSnapshot) => ap.neighbors.filter((n) => planned.has(n));
  const radios: JointRadio[] = [];
  group.forEach((id, i) => {
    const ap = aps.get(id)!;
    const { config, regulatoryDomain } = radioOf(ap, RADIO)!;
    const candidates = candidateScores({
      radio: RADIO,
      regulatoryDomain,
      currentChannel: config.channel,
      currentWidth: config.width,
      observations: scans[i],
      closedChannels: closedHere,
      avoidChannels: [],
      nonDfsOnly: false,
    });
    radios.push({ apId: id, current: config, neighbours: neighboursOf(ap), candidates });
  });
  for (const ap of fixed.values()) {
    const { config } = radioOf(ap, RADIO)!;
    radios.push({ apId: ap.apId, current: config, neighbours: neighboursOf(ap), candidates: [stay(config)] });
  }
  const domain = aps.get(group[0])!.regulatoryDomain;
  const plan = planJointly(radios, {
    radio: RADIO,
    domain,
    minImprovement: settings.minImprovement,
    // A run that read its policy before the margin existed has none: it takes the default.
    minInterferenceGain:
      (settings as Partial<Policy['jointReplan']>).minInterferenceGain ??
      DEFAULT_POLICY.jointReplan.minInterferenceGain,
    // Bursts a run planned before every move had to name its gain replay as they were planned.
    namedGainsOnly: patched('joint-replan-named-gain'),
  });
  const burstId = uuid4().slice(0, 8);
  const data = (move: JointMove): JointReplanMoveData => ({
    channel: move.to.channel,
    width: move.to.width,
    burst: {
      id: burstId,
      radios: group.length,
      coChannelPairsBefore: plan.coChannelPairs.before,
      coChannelPairsAfter: plan.coChannelPairs.after,
    },
    follows: burst.filter((c) => c.apId === move.apId && c.radio === RADIO).at(-1)?.eventId,
    gain: move.gain,
  });
  const moves = await Promise.all(plan.moves.map((m) => startMove(m, data(m), severity)));
  setCurrentDetails(
    `burst ${burstId}: ${group.length} radios, co-channel neighbour pairs ` +
      `${plan.coChannelPairs.before} → ${plan.coChannelPairs.after}, ${movesInWords(plan.moves)}`,
  );
  return { burstId, plannedAt: Date.now(), apIds: group, coChannelPairs: plan.coChannelPairs, moves };
}

/**
 * A JOINT_REPLAN event for one move, left to run on its own (it outlives this workflow's run). It has
 * the policy's severity for a re-plan, an optimisation: it takes over the watch of the move it
 * follows without outranking what waits behind it (docs/coordination.md).
 */
async function startMove(move: JointMove, data: JointReplanMoveData, severity: Severity) {
  const eventId = `replan-${data.burst.id}-${move.apId}`;
  const now = new Date().toISOString();
  const event: RrmEvent = {
    eventId,
    type: 'JOINT_REPLAN',
    apId: move.apId,
    radio: RADIO,
    confidence: 1,
    detectedAt: now,
    receivedAt: now,
    source: 'AUTOMATED',
    data,
  };
  await startChild(EVENT_WORKFLOW_TYPE, {
    workflowId: eventWorkflowId(eventId),
    taskQueue: workflowInfo().taskQueue,
    args: [event],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    priority: { priorityKey: taskPriorityKey(severity) },
    staticSummary: `joint re-plan of burst ${data.burst.id}: ${move.apId} to ${move.to.channel}/${move.to.width} MHz`,
  });
  return { apId: move.apId, eventId, to: move.to, gain: move.gain };
}

/** "3 moves (2 for co-channel pairs, 1 for interference)": how many, and what they gain. */
function movesInWords(moves: JointMove[]): string {
  const made = (kind: JointMoveGain['kind']) => moves.filter((m) => m.gain?.kind === kind).length;
  if (moves.length === 0) return 'no move worth making';
  return (
    `${moves.length} moves (${made('co-channel-pairs')} for co-channel pairs, ` +
    `${made('interference')} for interference)`
  );
}

/** The APs with a 5 GHz radio the controller could read; one it cannot (down, say) is left out of the plan. */
async function readAps(apIds: string[]): Promise<Map<string, ApSnapshot>> {
  const reads = await Promise.allSettled(apIds.map((id) => controllerReads.readAp(id)));
  const aps = reads.flatMap((r) => (r.status === 'fulfilled' && radioOf(r.value, RADIO) ? [r.value] : []));
  return new Map(aps.map((ap) => [ap.apId, ap]));
}

/** A neighbour that did not move keeps its channel: its only candidate, as good as can be. */
function stay(config: { channel: number; width: JointRadio['current']['width'] }) {
  return { ...config, interference: 1, overlap: 1, compatibility: 1, dfs: 1, cacMs: 0, total: 1 };
}
