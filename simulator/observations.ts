// What an AP and the sensing system observe of the spectrum: the per-channel scan, the
// neighbour list and the detections (radar, non-Wi-Fi interference). Pure functions.
import { RADIOS, channelsOfBand, type Radio } from '../domain/regulatory';
import { isDfsChannel } from '../domain/dfs';
import { NEIGHBOR_RANGE_DBM, interfererImpact, overlapFraction, scanDetectability } from './propagation';
import {
  apToApDbm,
  clientCanUse,
  inService,
  interfererDbm,
  subchannelsOf,
  type RfEnvironment,
} from './rf-model';
import type { Ap, Detection, ScanChannel } from './types';

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** APs that hear each other on some common band, whatever their status (the floor's topology). */
export function neighborsOf(env: RfEnvironment, ap: Ap): string[] {
  return env.aps
    .filter((other) => other.apId !== ap.apId)
    .filter((other) =>
      RADIOS.some((radio) => {
        const mine = ap.radios[radio];
        const theirs = other.radios[radio];
        return (
          mine !== undefined &&
          theirs !== undefined &&
          Math.max(apToApDbm(other, ap, theirs), apToApDbm(ap, other, mine)) >= NEIGHBOR_RANGE_DBM
        );
      }),
    )
    .map((other) => other.apId);
}

/** One entry per 20 MHz channel of the band. Radar is not visible in a scan: it arrives as events. */
export function scanChannels(env: RfEnvironment, ap: Ap, radio: Radio): ScanChannel[] {
  const domain = env.regulatoryDomain;
  const clients = env.clients.filter((c) => c.apId === ap.apId && c.radio === radio);
  return channelsOfBand(radio, domain).map((channel) => {
    const heard = env.aps
      .filter((o) => o.apId !== ap.apId && inService(o) && o.radios[radio] !== undefined)
      .filter((o) => {
        const theirs = o.radios[radio]!;
        return overlapFraction(radio, channel, [channel], subchannelsOf(theirs, domain)) > 0;
      })
      .map((o) => apToApDbm(o, ap, o.radios[radio]!))
      .filter((rx) => rx >= NEIGHBOR_RANGE_DBM);
    const duty = env.interferers
      .filter((i) => i.on && i.radio === radio)
      .reduce((sum, i) => {
        const frac = overlapFraction(radio, channel, [channel], i.channels);
        return sum + i.dutyCyclePct * frac * scanDetectability(interfererDbm(i, ap));
      }, 0);
    const able = clients.filter((c) => clientCanUse(c, radio, [channel], domain)).length;
    return {
      channel,
      dfs: isDfsChannel(radio, channel, domain),
      neighborCount: heard.length,
      strongestNeighborDbm: heard.length === 0 ? null : round1(Math.max(...heard)),
      nonWifiDutyCyclePct: round1(Math.min(100, duty)),
      clientSupportPct: clients.length === 0 ? 100 : Math.round((100 * able) / clients.length),
    };
  });
}

/** Below this (duty share × impact × overlap) the sensing system does not notice an interferer. */
const DETECTION_FLOOR = 0.05;

/** Radar and interference seen on the operating channels of every AP in service. */
export function spectrumDetections(env: RfEnvironment): Detection[] {
  const out: Detection[] = [];
  for (const ap of env.aps) {
    if (!inService(ap)) continue;
    for (const radio of RADIOS) {
      const config = ap.radios[radio];
      if (!config) continue;
      const subs = subchannelsOf(config, env.regulatoryDomain);
      if (radio === '5g') {
        for (const channel of subs.filter((c) => env.radarChannels.has(c))) {
          out.push({ kind: 'radar', apId: ap.apId, radio: '5g', channel });
        }
      }
      for (const i of env.interferers) {
        if (!i.on || i.radio !== radio) continue;
        const frac = overlapFraction(radio, config.channel, subs, i.channels);
        if (frac === 0) continue;
        const rx = interfererDbm(i, ap);
        const strength = (i.dutyCyclePct / 100) * interfererImpact(rx) * frac;
        if (strength < DETECTION_FLOOR) continue;
        // Report the channel where it hurts most: the primary if covered, else the first shared one.
        const hit = i.channels.includes(config.channel)
          ? config.channel
          : (i.channels.find((c) => subs.includes(c)) ?? i.channels[0]);
        out.push({
          kind: 'interference',
          apId: ap.apId,
          radio,
          channel: hit,
          confidence: Math.round(Math.min(1, 0.1 + strength) * 100) / 100,
          dutyCyclePct: i.dutyCyclePct,
          rssiDbm: round1(rx),
          interfererType: i.type,
          interfererId: i.interfererId,
        });
      }
    }
  }
  return out;
}
