// The DFS rules (Dynamic Frequency Selection, docs/policy.md) in one place, as hostapd keeps them in
// src/ap/dfs.c: which channels need radar detection, a channel's state for a radio, the Channel
// Availability Check, the Non-Occupancy Period, what a radar closes and for whom, and what a closed
// channel forbids. Pure data and functions, importable from workflow code.
import type { ControllerStep } from './controller-steps';
import type { RrmEvent } from './events';
import type { Policy } from './policy';
import type { RadioSnapshot } from './radio';
import { bondedSubchannels, type ChannelWidth, type Radio, type RegulatoryDomain } from './regulatory';

/** Channel Move Time: after radar, the radio must leave the channel within this time. */
export const CHANNEL_MOVE_TIME_MS = 10_000;
/** Non-Occupancy Period: a channel where radar was seen stays closed this long. */
export const NON_OCCUPANCY_PERIOD_MS = 30 * 60_000;
/** Channel Availability Check before a DFS channel may be used. */
export const CAC_MS = 60_000;
/** The CAC of the EU weather-radar channels (120–128). */
export const WEATHER_RADAR_CAC_MS = 10 * 60_000;

const range = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let c = from; c <= to; c += 4) out.push(c);
  return out;
};

/** The 5 GHz channels that need radar detection, per domain (part of each domain's 5 GHz band). */
const DFS_5G: Record<RegulatoryDomain, number[]> = {
  US: [...range(52, 64), ...range(100, 144)],
  EU: [...range(52, 64), ...range(100, 140)],
};

/** DFS applies to 5 GHz only; 6 GHz has no DFS. */
export function isDfsChannel(radio: Radio, channel: number, domain: RegulatoryDomain): boolean {
  return radio === '5g' && DFS_5G[domain].includes(channel);
}

/** True when any 20 MHz channel of the bonded channel is DFS. */
export function touchesDfs(
  radio: Radio,
  channel: number,
  width: ChannelWidth,
  domain: RegulatoryDomain,
): boolean {
  return bondedSubchannels(radio, channel, width, domain).some((c) => isDfsChannel(radio, c, domain));
}

/**
 * A DFS channel's state for one radio, as hostapd keeps it: `usable` until the radio has checked it,
 * `cac` while it checks, `available` once the check passed, `unavailable` after radar for the
 * Non-Occupancy Period. Non-DFS channels have none.
 */
export const DFS_STATES = ['usable', 'cac', 'available', 'unavailable'] as const;
export type DfsState = (typeof DFS_STATES)[number];

/** A channel as a scan reports it: its DFS state for the radio, when the controller says. */
export interface DfsObservation {
  channel: number;
  dfsState?: DfsState;
}

/** The channels the controller's scan reports in DFS state `state` for the radio. */
export function channelsInDfsState(observations: DfsObservation[], state: DfsState): number[] {
  return observations.filter((o) => o.dfsState === state).map((o) => o.channel);
}

/** Channel Availability Check time before a DFS channel may be used (0 for a non-DFS channel). */
export function cacTimeMs(radio: Radio, channel: number, domain: RegulatoryDomain): number {
  if (!isDfsChannel(radio, channel, domain)) return 0;
  return domain === 'EU' && channel >= 120 && channel <= 128 ? WEATHER_RADAR_CAC_MS : CAC_MS;
}

/**
 * The longest CAC among the DFS sub-channels not in `checked` (the channels the controller reports
 * `available` to the radio; a channel it reports nothing about counts as not checked).
 */
export function cacCost(
  radio: Radio,
  domain: RegulatoryDomain,
  subchannels: number[],
  checked: ReadonlySet<number>,
): number {
  const unchecked = subchannels.filter((c) => !checked.has(c));
  return Math.max(0, ...unchecked.map((c) => cacTimeMs(radio, c, domain)));
}

/** The channel a radar report names; only a DFS_RADAR event has one. */
export function radarChannelOf(event: RrmEvent): number {
  if (event.type !== 'DFS_RADAR')
    throw new TypeError(`${event.eventId} is ${event.type}, not a radar report`);
  return event.data.channel;
}

/**
 * Radar seen on `radarChannel` by a radio operating at `width`: the 20 MHz channels that enter the
 * Non-Occupancy Period. Radar on any sub-channel closes the whole bonded channel (hostapd marks
 * every sub-channel of the operating bandwidth unavailable).
 */
export function channelsClosedByRadar(
  radarChannel: number,
  width: ChannelWidth,
  domain: RegulatoryDomain,
): number[] {
  const block = bondedSubchannels('5g', radarChannel, width, domain);
  return block.length > 0 ? block : [radarChannel];
}

/** The 20 MHz channels the radar closes on this radio (the whole bonded channel it operates on). */
export function radarClosedChannels(radarChannel: number, radio: RadioSnapshot): number[] {
  const { config, regulatoryDomain } = radio;
  const operating = bondedSubchannels('5g', config.channel, config.width, regulatoryDomain);
  const width = operating.includes(radarChannel) ? config.width : 20;
  return channelsClosedByRadar(radarChannel, width, regulatoryDomain);
}

/**
 * What a radar closes on the radio that heard it: the bonded channel it operates on, and, when a
 * watcher's move onto the radar channel was undone before this event's turn (`undoneMoveOnto`), the
 * channel the radio was on when the radar was heard too.
 */
export function radarClosure(radarChannel: number, radio: RadioSnapshot, undoneMoveOnto: number[]): number[] {
  const closing = radarClosedChannels(radarChannel, radio);
  if (!undoneMoveOnto.includes(radarChannel)) return closing;
  return [...new Set([...closing, ...undoneMoveOnto])].sort((a, b) => a - b);
}

/** Epoch ms at which the Non-Occupancy Period of a radar heard at `heardAt` ends. */
export function nonOccupancyEnd(policy: Pick<Policy, 'nonOccupancyPeriodMs'>, heardAt: number): number {
  return heardAt + policy.nonOccupancyPeriodMs;
}

/**
 * The AP's RF neighbours the radar's closure holds for too: all of them when the policy says so
 * (they are within the same radar's range), else none.
 */
export function closureNeighbours(policy: Pick<Policy, 'radar'>, apNeighbours: string[]): string[] {
  return policy.radar.closeForNeighbours ? apNeighbours : [];
}

/** A 20 MHz channel in its Non-Occupancy Period after radar. */
export interface ClosedChannel {
  radio: Radio;
  channel: number;
  /** Epoch ms when the Non-Occupancy Period ends. */
  until: number;
  /** The radar event whose detection closed it. */
  closedBy: string;
  /** The AP that heard the radar, when it is a neighbour of this one. */
  heardBy?: string;
}

/** The closed channels of one radio among `closures`. */
export function closedChannelsFor(closures: ClosedChannel[], radio: Radio): number[] {
  return closures.filter((c) => c.radio === radio).map((c) => c.channel);
}

/** Closures from two sources (a coordinator's, the closure table's) as one list, one per channel. */
export function unionOfClosures(first: ClosedChannel[], second: ClosedChannel[]): ClosedChannel[] {
  const seen = new Set(first.map((c) => `${c.radio}/${c.channel}`));
  return [...first, ...second.filter((c) => !seen.has(`${c.radio}/${c.channel}`))];
}

/**
 * `closures` with `channels` of `radio` closed until `until`, by channel: an existing closure is
 * extended, never shortened.
 */
export function withClosure(
  closures: ClosedChannel[],
  closure: { radio: Radio; channels: number[]; until: number; closedBy: string; heardBy?: string },
): ClosedChannel[] {
  const { radio, channels, until, closedBy, heardBy } = closure;
  const others = closures.filter((c) => !(c.radio === radio && channels.includes(c.channel)));
  const updated = channels.map((channel) => {
    const existing = closures.find((c) => c.radio === radio && c.channel === channel);
    if (existing && existing.until >= until) return existing;
    return heardBy ? { radio, channel, until, closedBy, heardBy } : { radio, channel, until, closedBy };
  });
  return [...others, ...updated].sort((a, b) => a.channel - b.channel);
}

/** The closures still in their Non-Occupancy Period at `now`. */
export function stillClosed(closures: ClosedChannel[], now: number): ClosedChannel[] {
  return closures.filter((c) => c.until > now);
}

type RadioStep = ControllerStep & { kind: 'radio' };

/** The step that moved the event's own radio to another channel, if any. */
function channelStepOf(steps: ControllerStep[], apId: string, radio: Radio): RadioStep | undefined {
  return steps.find(
    (s): s is RadioStep =>
      s.kind === 'radio' &&
      s.apId === apId &&
      s.radio === radio &&
      s.target.channel !== undefined &&
      s.target.channel !== s.from.channel,
  );
}

/**
 * The 20 MHz channels of the channel the action moved its radio onto ([] when it moved none): a
 * CRITICAL event (radar) there has the change rolled back first.
 */
export function movedOnto(steps: ControllerStep[], apId: string, radio: Radio, domain: RegulatoryDomain) {
  return channelsOfMove(steps, apId, radio, domain, 'onto');
}

/** The 20 MHz channels the action moved its radio off ([] when it moved none): what it answered. */
export function movedOff(steps: ControllerStep[], apId: string, radio: Radio, domain: RegulatoryDomain) {
  return channelsOfMove(steps, apId, radio, domain, 'off');
}

function channelsOfMove(
  steps: ControllerStep[],
  apId: string,
  radio: Radio,
  domain: RegulatoryDomain,
  side: 'onto' | 'off',
): number[] {
  const move = channelStepOf(steps, apId, radio);
  if (!move) return [];
  const { channel, width } = side === 'off' ? move.from : { ...move.from, ...move.target };
  return bondedSubchannels(radio, channel!, width ?? move.from.width, domain);
}

/**
 * The Channel Availability Check undoing the steps costs the event's radio: moving back onto DFS
 * channels the controller's scan does not report available takes it off the air for their check.
 * Undefined when the undo moves the radio nowhere, or only onto checked or non-DFS channels.
 */
export function rollbackCac(
  steps: ControllerStep[],
  apId: string,
  radio: Radio,
  domain: RegulatoryDomain,
  observations: DfsObservation[],
): { channel: number; width: number; cacMs: number } | undefined {
  const move = channelStepOf(steps, apId, radio);
  if (!move) return undefined;
  const { channel, width } = move.from;
  const checked = new Set(channelsInDfsState(observations, 'available'));
  const cacMs = cacCost(radio, domain, bondedSubchannels(radio, channel, width, domain), checked);
  return cacMs > 0 ? { channel, width, cacMs } : undefined;
}

/** Why undoing the steps would break regulation (an old channel is radar-closed), or undefined. */
export function rollbackForbidden(
  steps: ControllerStep[],
  closed: number[],
  domain: RegulatoryDomain,
): string | undefined {
  for (const step of steps) {
    if (step.kind !== 'radio' || step.target.channel === undefined) continue;
    const old = bondedSubchannels(step.radio, step.from.channel, step.from.width, domain);
    const closedOld = old.filter((c) => closed.includes(c));
    if (closedOld.length) {
      return `channel ${step.from.channel} is radar-closed (Non-Occupancy Period on ${closedOld.join(', ')}); a rollback would put the radio back on it`;
    }
  }
  return undefined;
}
