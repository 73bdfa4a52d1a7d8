// Per-radio figures computed from the world: contention from co-channel neighbours, non-Wi-Fi
// interference, radar and client load turn into utilisation, PER, retries, throughput,
// disconnects and QoE. Pure functions; the only randomness is the small noise passed in.
import {
  bondedSubchannels,
  type ChannelWidth,
  type Radio,
  type RegulatoryDomain,
} from '../domain/regulatory';
import { isDfsChannel } from '../domain/dfs';
import { OVER_BUDGET_CAPACITY, overBudget } from './power';
import { jitter, type Rng } from './random';
import {
  NEIGHBOR_RANGE_DBM,
  distance,
  interfererImpact,
  neighborWeight,
  overlapFraction,
  receivedPowerDbm,
} from './propagation';
import type { Ap, Client, ClientQoe, Interferer, RadioConfig, RadioFigures } from './types';

export interface RfEnvironment {
  regulatoryDomain: RegulatoryDomain;
  aps: readonly Ap[];
  clients: readonly Client[];
  interferers: readonly Interferer[];
  radarChannels: ReadonlySet<number>;
}

/** What one radio sees around it; the inputs of every figure. */
export interface RadioAssessment {
  subchannels: number[];
  /** Airtime the radio's own clients demand (%). */
  ownLoadPct: number;
  /** Airtime taken by co-channel neighbours above the OBSS-PD threshold (%). */
  coChannelPct: number;
  /** Airtime of in-range neighbours below the OBSS-PD threshold: reused, at a PER cost (%). */
  reusedPct: number;
  /** Airtime lost to non-Wi-Fi emitters (%). */
  nonWifiPct: number;
  radar: boolean;
  associated: Client[];
  stranded: Client[];
}

const UNII3 = (channel: number): boolean => channel >= 149 && channel <= 165;
const WIDTH_FACTOR: Record<ChannelWidth, number> = { 20: 1, 40: 2, 80: 4, 160: 7.5 };
/** MAC-level capacity of a 20 MHz channel with good links (Mbps). */
const CAPACITY_PER_20MHZ: Record<Radio, number> = { '2g': 110, '5g': 130, '6g': 140 };

/** An AP serves clients and transmits only when it has not failed and is not administratively down. */
export const inService = (ap: Ap): boolean => ap.status === 'UP' && ap.adminStatus === 'UP';

export const subchannelsOf = (config: RadioConfig, domain: RegulatoryDomain): number[] =>
  bondedSubchannels(config.band, config.channel, config.width, domain);

/** Whether a client can associate on a channel: DFS and UNII-3 support are optional features. */
export function clientCanUse(
  client: Client,
  radio: Radio,
  subchannels: number[],
  domain: RegulatoryDomain,
): boolean {
  if (radio !== '5g') return true;
  const { supportsDfs, supportsUnii3 } = client.capabilities;
  if (!supportsDfs && subchannels.some((c) => isDfsChannel(radio, c, domain))) return false;
  if (!supportsUnii3 && subchannels.some(UNII3)) return false;
  return true;
}

/** Airtime a BSS's clients demand: a base for beacons and management plus a share per client. */
export const loadPct = (associatedClients: number): number => Math.min(70, 5 + 1.5 * associatedClients);

const clientsOf = (env: RfEnvironment, apId: string, radio: Radio): Client[] =>
  env.clients.filter((c) => c.apId === apId && c.radio === radio);

export function associatedClients(env: RfEnvironment, ap: Ap, radio: Radio): Client[] {
  const config = ap.radios[radio];
  if (!config) return [];
  const subs = subchannelsOf(config, env.regulatoryDomain);
  return clientsOf(env, ap.apId, radio).filter((c) => clientCanUse(c, radio, subs, env.regulatoryDomain));
}

/** Downlink power a client receives from an AP's radio. */
export const clientRssiDbm = (client: Client, ap: Ap, config: RadioConfig): number =>
  receivedPowerDbm(config.band, config.txPowerDbm, distance(client, ap));

/** Received power from another AP's radio on the same band. */
export const apToApDbm = (from: Ap, to: Ap, config: RadioConfig): number =>
  receivedPowerDbm(config.band, config.txPowerDbm, distance(from, to));

export const interfererDbm = (interferer: Interferer, at: { x: number; y: number }): number =>
  receivedPowerDbm(interferer.radio, interferer.powerDbm, distance(interferer, at));

export function assessRadio(env: RfEnvironment, ap: Ap, radio: Radio): RadioAssessment {
  const config = ap.radios[radio];
  if (!config) throw new Error(`${ap.apId} has no ${radio} radio`);
  const domain = env.regulatoryDomain;
  const subs = subchannelsOf(config, domain);
  const all = clientsOf(env, ap.apId, radio);
  const associated = all.filter((c) => clientCanUse(c, radio, subs, domain));
  const stranded = all.filter((c) => !associated.includes(c));

  let coChannelPct = 0;
  let reusedPct = 0;
  for (const other of env.aps) {
    const theirs = other.radios[radio];
    if (other.apId === ap.apId || !inService(other) || !theirs) continue;
    const frac = overlapFraction(radio, config.channel, subs, subchannelsOf(theirs, domain));
    const rx = apToApDbm(other, ap, theirs);
    if (frac === 0 || rx < NEIGHBOR_RANGE_DBM) continue;
    const airtime = loadPct(associatedClients(env, other, radio).length) * frac * neighborWeight(rx);
    // Spatial reuse: frames from neighbours below the OBSS-PD threshold no longer make us defer.
    if (rx >= config.obssPdDbm) coChannelPct += airtime;
    else reusedPct += airtime;
  }

  let nonWifiPct = 0;
  for (const i of env.interferers) {
    if (!i.on || i.radio !== radio) continue;
    const frac = overlapFraction(radio, config.channel, subs, i.channels);
    nonWifiPct += i.dutyCyclePct * frac * interfererImpact(interfererDbm(i, ap));
  }

  return {
    subchannels: subs,
    ownLoadPct: loadPct(associated.length),
    coChannelPct: Math.min(90, coChannelPct),
    reusedPct: Math.min(90, reusedPct),
    nonWifiPct: Math.min(100, nonWifiPct),
    radar: radio === '5g' && subs.some((c) => env.radarChannels.has(c)),
    associated,
    stranded,
  };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number): number => Number(v.toFixed(digits));
/** Link quality of a client from its RSSI: near 1 for strong links, falling off towards -80 dBm. */
const linkQuality = (rssiDbm: number): number => 1 / (1 + Math.exp(-(rssiDbm + 75) / 5));

/**
 * The radio's figures. `noise` supplies small sampling noise (±2 % on rates, ±0.01 on QoE) so
 * repeated samples look like measurements without hiding the effect of a change.
 */
export function radioFigures(env: RfEnvironment, ap: Ap, radio: Radio, noise: Rng): RadioFigures {
  const config = ap.radios[radio]!;
  const a = assessRadio(env, ap, radio);
  const wobble = (): number => 1 + jitter(noise, 0.02);

  const links = new Map(a.associated.map((c) => [c.clientId, linkQuality(clientRssiDbm(c, ap, config))]));
  const meanLink = links.size === 0 ? 1 : [...links.values()].reduce((s, l) => s + l, 0) / links.size;
  const busyOthers = (a.coChannelPct + a.nonWifiPct) / 100;

  const per = clamp(
    (0.015 +
      0.4 * (a.nonWifiPct / 100) +
      0.08 * (a.coChannelPct / 100) +
      0.15 * (a.reusedPct / 100) +
      0.05 * (1 - meanLink) +
      (a.radar ? 0.3 : 0)) *
      wobble(),
    0,
    0.95,
  );
  const retryRate = clamp(
    (0.02 + 1.5 * per + 0.15 * (a.coChannelPct / 100) + 0.1 * (a.nonWifiPct / 100)) * wobble(),
    0,
    0.99,
  );
  const utilizationPct = clamp((a.ownLoadPct + a.coChannelPct + a.nonWifiPct) * wobble(), 0, 100);

  // Clients narrower than the channel only use part of it.
  const widthUse =
    a.associated.length === 0
      ? 1
      : a.associated.reduce(
          (s, c) => s + WIDTH_FACTOR[Math.min(c.capabilities.maxWidth, config.width) as ChannelWidth],
          0,
        ) /
        a.associated.length /
        WIDTH_FACTOR[config.width];
  const airtime = Math.max(0.05, 1 - busyOthers);
  const throughputMbps =
    CAPACITY_PER_20MHZ[radio] *
    WIDTH_FACTOR[config.width] *
    widthUse *
    airtime *
    (1 - per) *
    meanLink *
    (a.radar ? 0.1 : 1) *
    (overBudget(ap) ? OVER_BUDGET_CAPACITY : 1) *
    wobble();

  const n = a.associated.length;
  const disconnectsPerMin =
    (n * (0.002 + 0.6 * Math.max(0, per - 0.05)) + a.stranded.length * 0.5 + (a.radar ? n * 0.5 : 0)) *
    wobble();

  const qoeFor = (link: number): number =>
    clamp(
      link *
        (1 - 1.5 * per) *
        (1 - 0.6 * busyOthers) *
        (1 - 0.15 * (a.ownLoadPct / 100)) *
        (a.radar ? 0.3 : 1) +
        jitter(noise, 0.01),
      0,
      1,
    );
  const clients: ClientQoe[] = [
    ...a.associated.map((c) => ({
      clientId: c.clientId,
      qoe: round(qoeFor(links.get(c.clientId)!), 3),
      associated: true,
    })),
    // A stranded client cannot use the channel: it hangs on elsewhere with a poor experience.
    ...a.stranded.map((c) => ({
      clientId: c.clientId,
      qoe: round(clamp(0.1 + jitter(noise, 0.01), 0, 1), 3),
      associated: false,
    })),
  ].sort((x, y) => x.clientId.localeCompare(y.clientId));
  const avgQoe = clients.length === 0 ? 1 : clients.reduce((s, c) => s + c.qoe, 0) / clients.length;

  return {
    utilizationPct: round(utilizationPct, 1),
    airtimePct: round(a.ownLoadPct, 1),
    per: round(per, 4),
    retryRate: round(retryRate, 4),
    throughputMbps: round(throughputMbps, 1),
    disconnectsPerMin: round(disconnectsPerMin, 2),
    avgQoe: round(avgQoe, 3),
    clientCount: n,
    clients,
  };
}
