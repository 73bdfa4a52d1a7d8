// The simulated world in uCentral's words (TIP OpenWiFi's device data model): an AP's configuration
// document, its state report, its capabilities and what its Wi-Fi scan hears. Field names and
// enums follow the uCentral configuration and state schemas; docs/controllers.md says where the
// face departs from a real device (serial numbers, reports made on demand).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  channelsOfBand,
  frequencyMhz,
  RADIOS,
  type ChannelWidth,
  type Radio,
  type RegulatoryDomain,
} from '../../domain/regulatory';
import { obssPdFromRawLines, obssPdRawLines } from '../../domain/hostapd-spatial-reuse';
import type { ApState, RadioConfig, ScanChannel } from '../types';

export const BAND_OF_RADIO: Record<Radio, '2G' | '5G' | '6G'> = { '2g': '2G', '5g': '5G', '6g': '6G' };
export const RADIO_OF_BAND: Record<string, Radio> = Object.fromEntries(
  RADIOS.map((radio) => [BAND_OF_RADIO[radio], radio]),
);

/** The country each regulatory domain is configured as (EU: any member state; Germany here). */
const COUNTRY_OF_DOMAIN: Record<RegulatoryDomain, string> = { US: 'US', EU: 'DE' };

/** How often a device's state report covers (`metrics.statistics.interval`, seconds). */
export const STATISTICS_INTERVAL_S = 60;

/** A stable, locally administered MAC for an AP's radio (its BSSID) or for the AP itself. */
export function macOf(apId: string, radio?: Radio): string {
  const h = createHash('sha256').update(apId).digest();
  const last = radio === undefined ? 0 : RADIOS.indexOf(radio) + 1;
  return [
    '02',
    ...[0, 1, 2, 3].map((i) => h[i]!.toString(16).padStart(2, '0')),
    last.toString(16).padStart(2, '0'),
  ].join(':');
}

/** One entry of `radios[]` in a uCentral configuration, as far as the face knows it (strict: a misspelt key is refused). */
export const RadioConfigurationSchema = z.strictObject({
  band: z.enum(['2G', '5G', '5G-lower', '5G-upper', '6G', 'HaLow']),
  bandwidth: z.literal([5, 10, 20]).optional(),
  channel: z.union([z.number().int().min(1).max(233), z.literal('auto')]).optional(),
  'valid-channels': z.array(z.number().int().min(1).max(233)).optional(),
  country: z.string().length(2).optional(),
  'allow-dfs': z.boolean().optional(),
  'channel-mode': z.enum(['HT', 'VHT', 'HE', 'EHT']).optional(),
  'channel-width': z.literal([1, 2, 4, 8, 20, 40, 80, 160, 320, 8080]).optional(),
  enable: z.boolean().optional(),
  'require-mode': z.enum(['HT', 'VHT', 'HE']).optional(),
  mimo: z.string().optional(),
  'tx-power': z.number().int().min(0).max(30).optional(),
  'legacy-rates': z.boolean().optional(),
  'maximum-clients': z.number().int().min(0).optional(),
  'maximum-clients-ignore-probe': z.boolean().optional(),
  'he-settings': z
    .strictObject({
      'multiple-bssid': z.boolean().optional(),
      ema: z.boolean().optional(),
      'bss-color': z.number().int().min(0).max(64).optional(),
    })
    .optional(),
  'hostapd-iface-raw': z.array(z.string()).optional(),
});
export type RadioConfiguration = z.infer<typeof RadioConfigurationSchema>;

/** A uCentral configuration: the radios strictly, the rest (interfaces, services, …) as any object. */
export const ConfigurationSchema = z.looseObject({
  uuid: z.number().int().nonnegative(),
  strict: z.boolean().optional(),
  radios: z.array(RadioConfigurationSchema).optional(),
  interfaces: z.array(z.looseObject({})).optional(),
  metrics: z.looseObject({}).optional(),
});
export type Configuration = z.infer<typeof ConfigurationSchema>;

/** The change id a configuration carries in its free `third-party` section, if any. */
export function changeMarkOf(config: Configuration): string | undefined {
  const mark = (config['third-party'] as { 'rrm-event-loop'?: { changeId?: unknown } } | undefined)?.[
    'rrm-event-loop'
  ]?.changeId;
  return typeof mark === 'string' ? mark : undefined;
}

/** The radios section of an AP's configuration, from the simulator's view of it. */
function radioConfigurationOf(
  radio: Radio,
  config: RadioConfig,
  domain: RegulatoryDomain,
  enabled: boolean,
): RadioConfiguration {
  const raw = obssPdRawLines(config.obssPdDbm);
  return {
    band: BAND_OF_RADIO[radio],
    channel: config.channel,
    'channel-width': config.width,
    'channel-mode': 'HE',
    country: COUNTRY_OF_DOMAIN[domain],
    'allow-dfs': true,
    'tx-power': config.txPowerDbm,
    enable: enabled,
    ...(config.admissionCap === null ? {} : { 'maximum-clients': config.admissionCap }),
    ...(raw.length > 0 ? { 'hostapd-iface-raw': raw } : {}),
  };
}

/** The configuration a gateway holds for the AP: radios, one SSID on every band, statistics. */
export function configurationOf(ap: ApState, uuid: number): Configuration {
  const radios = RADIOS.filter((r) => ap.radios[r]);
  return {
    uuid,
    radios: radios.map((r) =>
      radioConfigurationOf(r, ap.radios[r]!, ap.regulatoryDomain, ap.adminStatus === 'UP'),
    ),
    interfaces: [
      {
        name: 'LAN',
        role: 'downstream',
        ssids: [
          {
            name: 'rrm-sim',
            'wifi-bands': radios.map((r) => BAND_OF_RADIO[r]),
            'bss-mode': 'ap',
            encryption: { proto: 'psk2', key: 'simulated-network', ieee80211w: 'optional' },
          },
        ],
      },
    ],
    metrics: { statistics: { interval: STATISTICS_INTERVAL_S, types: ['ssids', 'clients'] } },
  };
}

/** A radio's settings as a configuration states them (what a configure may change). */
export interface ConfiguredRadio {
  channel: number;
  width: ChannelWidth;
  txPowerDbm: number;
  obssPdDbm: number;
  admissionCap: number | null;
  enabled: boolean;
}

/** The radios of a configuration by the simulator's names; a band the face has no radio for is an error. */
export function configuredRadios(config: Configuration): Partial<Record<Radio, Partial<ConfiguredRadio>>> {
  const out: Partial<Record<Radio, Partial<ConfiguredRadio>>> = {};
  for (const [i, r] of (config.radios ?? []).entries()) {
    const radio = RADIO_OF_BAND[r.band];
    if (!radio) throw new Error(`radios[${i}].band: ${r.band} is not a band of this device`);
    if (out[radio]) throw new Error(`radios[${i}].band: a second ${r.band} radio`);
    out[radio] = {
      ...(typeof r.channel === 'number' ? { channel: r.channel } : {}),
      ...(r['channel-width'] !== undefined ? { width: r['channel-width'] as ChannelWidth } : {}),
      ...(r['tx-power'] !== undefined ? { txPowerDbm: r['tx-power'] } : {}),
      obssPdDbm: obssPdFromRawLines(r['hostapd-iface-raw'] ?? []),
      admissionCap: r['maximum-clients'] ?? null,
      enabled: r.enable ?? true,
    };
  }
  return out;
}

/** Capabilities as a device reports them: one phy per radio with its band and channels. */
export function capabilitiesOf(ap: ApState): Record<string, unknown> {
  const wifi = Object.fromEntries(
    RADIOS.filter((r) => ap.radios[r]).map((r, i) => {
      const channels = [...channelsOfBand(r, ap.regulatoryDomain)];
      return [
        phyOf(r, i),
        {
          band: [BAND_OF_RADIO[r]],
          channels,
          frequencies: channels.map((c) => frequencyMhz(r, c)),
          htmode: ['HT20', 'HT40', 'VHT20', 'VHT40', 'VHT80', 'HE20', 'HE40', 'HE80', 'HE160'],
          country: COUNTRY_OF_DOMAIN[ap.regulatoryDomain],
        },
      ];
    }),
  );
  return { compatible: 'rrm-simulator', model: 'RRM simulated AP', platform: 'ap', wifi };
}

export const phyOf = (radio: Radio, index: number): string => `platform/soc/simulated-wifi.${index}+${radio}`;

/** One entry of a Wi-Fi scan's results. */
export interface ScanEntry {
  bssid: string;
  ssid: string;
  channel: number;
  frequency: number;
  signal: number;
}

/**
 * The survey of every channel of the band over one report interval (ms of airtime): busy = the
 * radio's own transmissions (`time_tx`, its own airtime), Wi-Fi it receives, and non-Wi-Fi energy;
 * what is neither received nor sent is what other sources take.
 */
export function surveyOf(
  radio: Radio,
  channels: ScanChannel[],
  own: { channel: number; airtimePct: number; transmitting: boolean },
) {
  const time = STATISTICS_INTERVAL_S * 1000;
  return channels.map((c) => {
    // Never more airtime than the interval: the non-Wi-Fi share is kept exact, then the radio's own
    // airtime (what the loop reads as its traffic); what is received fits in the rest.
    const nonWifi = (time * c.nonWifiDutyCyclePct) / 100;
    const sending = c.channel === own.channel && own.transmitting ? (time * own.airtimePct) / 100 : 0;
    const sent = Math.min(time - nonWifi, sending);
    const received = Math.min(time - nonWifi - sent, (time * c.neighborCount * 5) / 100);
    return {
      frequency: frequencyMhz(radio, c.channel),
      time,
      busy: Math.round(nonWifi + received + sent),
      time_rx: Math.round(received),
      time_tx: Math.round(sent),
      noise: -95,
    };
  });
}
