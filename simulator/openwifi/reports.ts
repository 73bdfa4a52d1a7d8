// What a simulated device reports to the gateway: its state report (radios with their survey,
// SSIDs with their associations and counters) and the BSSs its Wi-Fi scan hears, in the uCentral
// state and scan result shapes. A device here reports when asked (a real one every interval): the
// counters of a report cover one statistics interval at the radio's current rates.
import { frequencyMhz, RADIOS, bondedSubchannels, type Radio } from '../../domain/regulatory';
import { NEIGHBOR_RANGE_DBM } from '../propagation';
import { apToApDbm, inService } from '../rf-model';
import type { RadioMetrics, ScanChannel } from '../types';
import type { World } from '../world';
import { BAND_OF_RADIO, macOf, phyOf, STATISTICS_INTERVAL_S, surveyOf, type ScanEntry } from './ucentral';

/** Frames a radio with clients sends in one report interval (the counters' scale). */
const FRAMES_PER_INTERVAL = 100_000;
/** Seconds an association counts as new (joined within the last minute). */
const NEW_ASSOCIATION_S = 30;
const SETTLED_ASSOCIATION_S = 3_600;

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The radio's figures, or none when it does not serve (the AP administratively down). */
function figuresOf(world: World, apId: string, radio: Radio): RadioMetrics | undefined {
  try {
    return world.metrics(apId, radio);
  } catch {
    return undefined;
  }
}

/** What a radio's survey is made of: the simulator's view of every channel of its band. */
export type ChannelSurvey = (apId: string, radio: Radio) => ScanChannel[];

export function stateReportOf(
  world: World,
  apId: string,
  uuid: number,
  survey: ChannelSurvey = (a, r) => world.scan(a, r).channels,
): Record<string, unknown> {
  const ap = world.apState(apId);
  const radios = RADIOS.filter((r) => ap.radios[r]);
  const radioEntries: Record<string, unknown>[] = [];
  const ssids: Record<string, unknown>[] = [];
  for (const [index, radio] of radios.entries()) {
    const config = ap.radios[radio]!;
    const m = figuresOf(world, apId, radio);
    const transmitting = m?.transmitting ?? false;
    const channels = m ? survey(apId, radio) : [];
    const subchannels = bondedSubchannels(radio, config.channel, config.width, ap.regulatoryDomain);
    radioEntries.push({
      channel: config.channel,
      channels: subchannels,
      frequency: subchannels.map((c) => frequencyMhz(radio, c)),
      channel_width: config.width,
      tx_power: config.txPowerDbm,
      chanUtil: Math.round(m?.utilizationPct ?? 0),
      band: [BAND_OF_RADIO[radio]],
      phy: phyOf(radio, index),
      survey: surveyOf(radio, channels, {
        channel: config.channel,
        airtimePct: m?.airtimePct ?? 0,
        transmitting,
      }),
    });
    const clients = m && transmitting ? world.clientViews(apId, radio) : [];
    const frames = clients.length > 0 ? FRAMES_PER_INTERVAL : 0;
    const bytes = ((m?.throughputMbps ?? 0) * 1e6 * STATISTICS_INTERVAL_S) / 8;
    const newcomers = Math.round(m?.associationsPerMin ?? 0);
    const share = (v: number) => Math.round(v / Math.max(1, clients.length));
    const bssid = macOf(apId, radio);
    ssids.push({
      bssid,
      ssid: 'rrm-sim',
      band: BAND_OF_RADIO[radio],
      phy: phyOf(radio, index),
      iface: `wlan${index}`,
      mode: 'ap',
      radio: { $ref: `#/radios/${index}` },
      associations: clients.map((c, i) => ({
        bssid,
        station: c.clientId,
        rssi: Math.round(c.rssiDbm),
        connected: i < newcomers ? NEW_ASSOCIATION_S : SETTLED_ASSOCIATION_S,
        inactive: 0,
        tx_packets: share(frames),
        tx_retries: share(frames * (m?.retryRate ?? 0)),
        tx_failed: share(frames * (m?.per ?? 0)),
        tx_bytes: share(bytes * 0.6),
        rx_bytes: share(bytes * 0.4),
      })),
      delta_counters: {
        tx_packets: frames,
        tx_retries: Math.round(frames * (m?.retryRate ?? 0)),
        tx_failed: Math.round(frames * (m?.per ?? 0)),
        tx_bytes: Math.round(bytes * 0.6),
        rx_bytes: Math.round(bytes * 0.4),
      },
    });
  }
  return {
    version: 1,
    uuid,
    serial: apId,
    unit: { localtime: Math.floor(Date.now() / 1000), uptime: 86_400, load: [0.1, 0.1, 0.1] },
    radios: radioEntries,
    interfaces: [{ name: 'up0v0', ssids }],
  };
}

/** Every BSS of another AP in service the AP hears on any band, once, on its primary channel. */
export function wifiScanOf(world: World, apId: string): ScanEntry[] {
  const env = world.environment;
  const me = env.aps.find((a) => a.apId === apId);
  if (!me) return [];
  return env.aps
    .filter((o) => o.apId !== apId && inService(o))
    .flatMap((o) =>
      RADIOS.filter((r) => o.radios[r] && me.radios[r]).flatMap((radio): ScanEntry[] => {
        const theirs = o.radios[radio]!;
        const signal = apToApDbm(o, me, theirs);
        if (signal < NEIGHBOR_RANGE_DBM) return [];
        return [
          {
            bssid: macOf(o.apId, radio),
            ssid: 'rrm-sim',
            channel: theirs.channel,
            frequency: frequencyMhz(radio, theirs.channel),
            signal: round1(signal),
          },
        ];
      }),
    );
}
