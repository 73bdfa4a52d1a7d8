// Channel scoring of docs/policy.md: pick the channel an AP radio moves to, and say why. Pure: it is
// called from workflow code, so no clocks, no randomness, no I/O.

import { cacCost, channelsInDfsState, touchesDfs, WEATHER_RADAR_CAC_MS, type DfsState } from './dfs';
import {
  PREFERRED_2G_CHANNELS,
  bondedSubchannels,
  permittedChannels,
  widthsUpTo,
  type ChannelWidth,
  type Radio,
  type RegulatoryDomain,
} from './regulatory';

/** One per 20 MHz channel, from the controller's scan. */
export interface ChannelObservation {
  channel: number;
  /** Co-channel neighbour BSSs heard. */
  neighborCount: number;
  strongestNeighborDbm: number | null;
  /** 0-100, airtime taken by non-Wi-Fi interference. */
  nonWifiDutyCyclePct: number;
  /** 0-100, share of the radio's clients able to use the channel. */
  clientSupportPct: number;
  /**
   * A DFS channel's state for this radio, when the controller reports it (hostapd's): `available`
   * needs no CAC, `usable` (or unknown) costs one, `unavailable` (radar) is never a candidate.
   */
  dfsState?: DfsState;
}

export interface ChannelSelectionRequest {
  radio: Radio;
  regulatoryDomain: RegulatoryDomain;
  currentChannel: number;
  currentWidth: ChannelWidth;
  observations: ChannelObservation[];
  /** 20 MHz channels closed by radar (in their Non-Occupancy Period): never selectable. */
  closedChannels: number[];
  /**
   * 20 MHz channels to move away from (the radio's own, the interferer's) and those the controller
   * refused for radar: not selectable either, and named apart in the explanation.
   */
  avoidChannels: number[];
  /** True for a radar move: DFS channels are not candidates at all. */
  nonDfsOnly: boolean;
  /**
   * Set when the choice is made blind to what its neighbours are choosing at the same moment (their
   * bookings could not be read): it draws among the equally best channels by this seed (the radio's
   * name) instead of taking the lowest, so neighbours choosing blind from one scan spread out. hostapd
   * draws at random among the valid channels after radar for the same reason.
   */
  drawAmongTies?: string;
}

export interface CandidateScore {
  /** Primary (lowest) 20 MHz channel of the bonded channel. */
  channel: number;
  width: ChannelWidth;
  /** Each component is 0..1, higher is better. */
  interference: number;
  overlap: number;
  compatibility: number;
  dfs: number;
  /** The CAC outage a move here costs (ms): 0 off DFS and on DFS channels the radio checked already. */
  cacMs: number;
  /** Weighted sum of the components with CHANNEL_SCORE_WEIGHTS. */
  total: number;
  /** Sub-channels without a scan observation, scored neutral. Present only when some are missing. */
  unobserved?: number[];
}

export type ChannelSelection =
  | { kind: 'selected'; channel: number; width: ChannelWidth; scores: CandidateScore[]; explanation: string }
  | { kind: 'none'; explanation: string };

export const CHANNEL_SCORE_WEIGHTS = {
  interference: 0.4,
  overlap: 0.3,
  compatibility: 0.2,
  dfs: 0.1,
} as const;

/**
 * Score of a component we have no scan data for. Neutral rather than optimistic so an unscanned
 * channel never beats a channel measured clean, and rather than pessimistic so it can still be
 * chosen when it is the only way out (a radar move must go somewhere).
 */
export const UNOBSERVED_COMPONENT_SCORE = 0.5;

/**
 * DFS component: DFS channels risk another radar hit, and an unchecked one costs a CAC (the radio
 * is silent, its clients leave) before the move completes. One the radio keeps available does not.
 */
const DFS_SCORE_NON_DFS = 1;
const DFS_SCORE_AVAILABLE = 0.8;
const DFS_SCORE_DFS = 0.5;
/** EU weather-radar channels need a 10 min CAC: worse still. */
const DFS_SCORE_LONG_CAC = 0.25;

/**
 * Neighbour RSSI range over which a neighbour's weight grows linearly: at or below −90 dBm a
 * neighbour barely contends (weight 0.1), at or above −50 dBm it contends fully (weight 1).
 */
const NEIGHBOR_QUIET_DBM = -90;
const NEIGHBOR_LOUD_DBM = -50;
const NEIGHBOR_MIN_WEIGHT = 0.1;
/** Weight used when neighbours were heard but their RSSI was not reported. */
const NEIGHBOR_UNKNOWN_RSSI_WEIGHT = 0.5;

/** Totals closer than this are a tie, broken by the lower channel. */
const TIE_EPSILON = 1e-9;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** 1 with no non-Wi-Fi energy, 0 when the channel is fully occupied by it. */
export function interferenceScore(nonWifiDutyCyclePct: number): number {
  return clamp01(1 - nonWifiDutyCyclePct / 100);
}

/**
 * 1 with no co-channel neighbour, falling as neighbours add up; each neighbour counts by how loud
 * the strongest one is, so three neighbours at −85 dBm hurt less than one at −55 dBm.
 */
export function overlapScore(neighborCount: number, strongestNeighborDbm: number | null): number {
  if (!(neighborCount > 0)) return 1;
  const weight = isNumber(strongestNeighborDbm)
    ? Math.max(
        NEIGHBOR_MIN_WEIGHT,
        clamp01((strongestNeighborDbm - NEIGHBOR_QUIET_DBM) / (NEIGHBOR_LOUD_DBM - NEIGHBOR_QUIET_DBM)),
      )
    : NEIGHBOR_UNKNOWN_RSSI_WEIGHT;
  return 1 / (1 + neighborCount * weight);
}

export function compatibilityScore(clientSupportPct: number): number {
  return clamp01(clientSupportPct / 100);
}

function totalOf(c: Pick<CandidateScore, 'interference' | 'overlap' | 'compatibility' | 'dfs'>): number {
  const w = CHANNEL_SCORE_WEIGHTS;
  return (
    w.interference * c.interference +
    w.overlap * c.overlap +
    w.compatibility * c.compatibility +
    w.dfs * c.dfs
  );
}

/** Worst value over the observed sub-channels, neutral for a sub-channel with no (valid) value. */
function worst(values: (number | undefined)[]): number {
  return Math.min(...values.map((v) => (v === undefined ? UNOBSERVED_COMPONENT_SCORE : v)));
}

/**
 * Scores one bonded channel. Aggregation is pessimistic: a bonded channel is only as clean as its
 * worst 20 MHz sub-channel, and only clients able to use every sub-channel can use all of it.
 * Several observations of one channel count as separate looks, and the worst look wins.
 */
function scoreCandidate(
  req: ChannelSelectionRequest,
  channel: number,
  width: ChannelWidth,
  subchannels: number[],
  observationsByChannel: Map<number, ChannelObservation[]>,
  checked: ReadonlySet<number>,
): CandidateScore {
  const interference: (number | undefined)[] = [];
  const overlap: (number | undefined)[] = [];
  const compatibility: (number | undefined)[] = [];
  const unobserved: number[] = [];
  for (const sub of subchannels) {
    const looks = observationsByChannel.get(sub);
    if (!looks) {
      unobserved.push(sub);
      interference.push(undefined);
      overlap.push(undefined);
      compatibility.push(undefined);
      continue;
    }
    for (const o of looks) {
      interference.push(
        isNumber(o.nonWifiDutyCyclePct) ? interferenceScore(o.nonWifiDutyCyclePct) : undefined,
      );
      overlap.push(
        isNumber(o.neighborCount) ? overlapScore(o.neighborCount, o.strongestNeighborDbm) : undefined,
      );
      compatibility.push(isNumber(o.clientSupportPct) ? compatibilityScore(o.clientSupportPct) : undefined);
    }
  }
  const cacMs = cacCost(req.radio, req.regulatoryDomain, subchannels, checked);
  const dfs = !touchesDfs(req.radio, channel, width, req.regulatoryDomain)
    ? DFS_SCORE_NON_DFS
    : cacMs === 0
      ? DFS_SCORE_AVAILABLE
      : cacMs >= WEATHER_RADAR_CAC_MS
        ? DFS_SCORE_LONG_CAC
        : DFS_SCORE_DFS;
  const components = {
    interference: round(worst(interference)),
    overlap: round(worst(overlap)),
    compatibility: round(worst(compatibility)),
    dfs,
  };
  const score: CandidateScore = {
    channel,
    width,
    ...components,
    cacMs,
    total: round(totalOf(components)),
  };
  if (unobserved.length > 0) score.unobserved = unobserved;
  return score;
}

const byScore = (a: CandidateScore, b: CandidateScore): number =>
  Math.abs(a.total - b.total) > TIE_EPSILON ? b.total - a.total : a.channel - b.channel;

const label = (channel: number, width: ChannelWidth): string => `${channel}/${width} MHz`;
const fmt = (x: number): string => x.toFixed(2);

/**
 * Chooses the channel to move to: the best-scoring permitted bonded channel that avoids every
 * closed and avoided 20 MHz channel, is not the current one, and (for a radar move) touches no
 * DFS channel. The current width is kept when it has a candidate; otherwise the widest narrower
 * width that has one is used, because a narrower clean channel beats staying put.
 */
export function selectChannel(req: ChannelSelectionRequest): ChannelSelection {
  const { radio, regulatoryDomain: domain } = req;
  const scan = scanContext(req);

  const tried: ChannelWidth[] = [];
  for (const width of widthsUpTo(req.currentWidth)) {
    let permitted = permittedChannels(radio, width, domain);
    if (permitted.length === 0) continue;
    tried.push(width);
    // 1/6/11 are the only 2.4 GHz channels that do not overlap each other.
    if (radio === '2g') {
      const preferred = permitted.filter((c) => PREFERRED_2G_CHANNELS.includes(c));
      if (preferred.length > 0) permitted = preferred;
    }
    const scores = drawn(scoresAt(req, width, permitted, scan, { keepCurrent: false }), req.drawAmongTies);
    if (scores.length === 0) continue;
    return {
      kind: 'selected',
      channel: scores[0].channel,
      width,
      scores,
      explanation: explainSelection(req, scores, tried),
    };
  }

  return { kind: 'none', explanation: explainNone(req, tried) };
}

/** The scores with the channel `seed` draws among those tied with the best put first. */
function drawn(scores: CandidateScore[], seed: string | undefined): CandidateScore[] {
  const tied = seed === undefined ? 1 : tiedWithBest(scores);
  if (tied < 2) return scores;
  const pick = hashOf(seed!) % tied;
  return [scores[pick], ...scores.filter((_, i) => i !== pick)];
}

const tiedWithBest = (scores: CandidateScore[]): number =>
  scores.filter((s) => Math.abs(s.total - scores[0].total) <= TIE_EPSILON).length;

/** FNV-1a: a stable number for a string, the same on every worker and replay. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * Every bonded channel of the radio's current width it may operate on, scored, its current one
 * included (the joint re-plan of a burst weighs staying against moving; domain/joint-plan.ts).
 */
export function candidateScores(req: ChannelSelectionRequest): CandidateScore[] {
  const { radio, regulatoryDomain: domain, currentWidth: width } = req;
  return scoresAt(req, width, permittedChannels(radio, width, domain), scanContext(req), {
    keepCurrent: true,
  });
}

/**
 * The `permitted` bonded channels of `width` the request may take (no excluded sub-channel, no DFS
 * for a radar move), scored, best first. The current bonded channel is left out unless `keepCurrent`.
 */
function scoresAt(
  req: ChannelSelectionRequest,
  width: ChannelWidth,
  permitted: number[],
  { excluded, checked, observationsByChannel }: ReturnType<typeof scanContext>,
  { keepCurrent }: { keepCurrent: boolean },
): CandidateScore[] {
  const { radio, regulatoryDomain: domain } = req;
  const scores: CandidateScore[] = [];
  for (const channel of permitted) {
    const subchannels = bondedSubchannels(radio, channel, width, domain);
    if (subchannels.some((c) => excluded.has(c))) continue;
    // Same width and containing the current channel means it is the current bonded channel. A
    // narrower channel inside it stays eligible: it sheds the closed/avoided part, excluded above.
    if (!keepCurrent && width === req.currentWidth && subchannels.includes(req.currentChannel)) continue;
    if (req.nonDfsOnly && touchesDfs(radio, channel, width, domain)) continue;
    scores.push(scoreCandidate(req, channel, width, subchannels, observationsByChannel, checked));
  }
  return scores.sort(byScore);
}

/** What a selection reads off the request once: the channels it may not take, the checked ones, the looks per channel. */
function scanContext(req: ChannelSelectionRequest) {
  const excluded = new Set([
    ...req.closedChannels,
    ...req.avoidChannels,
    ...channelsInDfsState(req.observations, 'unavailable'),
  ]);
  const checked = new Set(channelsInDfsState(req.observations, 'available'));
  const observationsByChannel = new Map<number, ChannelObservation[]>();
  for (const o of req.observations) {
    const looks = observationsByChannel.get(o.channel) ?? [];
    looks.push(o);
    observationsByChannel.set(o.channel, looks);
  }
  return { excluded, checked, observationsByChannel };
}

function exclusionNotes(req: ChannelSelectionRequest): string[] {
  const notes: string[] = [];
  if (req.closedChannels.length > 0) notes.push(`closed ${listChannels(req.closedChannels, req.radio)}`);
  if (req.avoidChannels.length > 0) notes.push(`avoiding ${listChannels(req.avoidChannels, req.radio)}`);
  const unavailable = channelsInDfsState(req.observations, 'unavailable');
  if (unavailable.length > 0) notes.push(`unavailable after radar ${listChannels(unavailable, req.radio)}`);
  if (req.nonDfsOnly) notes.push('DFS excluded after radar');
  return notes;
}

function explainSelection(
  req: ChannelSelectionRequest,
  scores: CandidateScore[],
  tried: ChannelWidth[],
): string {
  const [best, runnerUp] = scores;
  const parts = [
    `${label(best.channel, best.width)} scored ${fmt(best.total)} (interference ${fmt(best.interference)}, ` +
      `overlap ${fmt(best.overlap)}, compatibility ${fmt(best.compatibility)}, DFS ${fmt(best.dfs)}` +
      `${best.cacMs > 0 ? `, CAC ${best.cacMs / 1000} s off the air` : ''})`,
    runnerUp
      ? `runner-up ${label(runnerUp.channel, runnerUp.width)} ${fmt(runnerUp.total)}` +
        (Math.abs(best.total - runnerUp.total) > TIE_EPSILON
          ? ''
          : req.drawAmongTies !== undefined
            ? ` (tie of ${tiedWithBest(scores)}, drawn for ${req.drawAmongTies})`
            : ' (tie, lower channel wins)')
      : 'no runner-up',
    `${scores.length} candidate${scores.length === 1 ? '' : 's'}`,
  ];
  if (best.width !== req.currentWidth) {
    const none = tried.filter((w) => w > best.width);
    parts.push(
      none.length > 0
        ? `narrowed from ${req.currentWidth} MHz: no candidate at ${none.join('/')} MHz`
        : `narrowed from ${req.currentWidth} MHz: not offered on ${req.radio}`,
    );
  }
  parts.push(...exclusionNotes(req));
  if (best.unobserved)
    parts.push(`no scan data for ${listChannels(best.unobserved, req.radio)}, scored neutral`);
  return parts.join('; ');
}

function explainNone(req: ChannelSelectionRequest, tried: ChannelWidth[]): string {
  const widths = tried.length > 0 ? tried.join('/') : String(req.currentWidth);
  const notes = exclusionNotes(req);
  return (
    `no candidate channel on ${req.radio} in ${req.regulatoryDomain} at ${widths} MHz ` +
    `other than the current ${label(req.currentChannel, req.currentWidth)}` +
    (notes.length > 0 ? `; ${notes.join('; ')}` : '')
  );
}

/** "52-64" style runs of 20 MHz channels for short explanations. */
function listChannels(channels: number[], radio: Radio): string {
  // Adjacent 20 MHz channels are 4 numbers apart on 5/6 GHz, 1 apart on 2.4 GHz.
  const step = radio === '2g' ? 1 : 4;
  const sorted = [...new Set(channels)].sort((a, b) => a - b);
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] - sorted[i - 1] === step) continue;
    runs.push(i - 1 > start ? `${sorted[start]}-${sorted[i - 1]}` : String(sorted[start]));
    start = i;
  }
  return runs.join(', ');
}
