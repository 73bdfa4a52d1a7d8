// uCentral documents in the loop's words and back: a device's configuration and state report as
// an AP snapshot, its associations as clients, two state reports as a monitor sample, a Wi-Fi scan
// and a survey as channel observations; and a radio step as the configuration that carries it.
import type { ChannelObservation } from '../../../domain/channel-selection';
import {
  obssPdFromRawLines,
  obssPdRawLines,
  withoutSpatialReuse,
} from '../../../domain/hostapd-spatial-reuse';
import type { ClientView } from '../../../domain/plans';
import type { RadioConfig, RadioState } from '../../../domain/radio';
import {
  bondedSubchannels,
  channelOfFrequency,
  channelsOfBand,
  frequencyMhz,
  WIDTHS,
  type ChannelWidth,
  type Radio,
  type RegulatoryDomain,
} from '../../../domain/regulatory';
import { ControllerError, type MonitorSample } from '../port';
import {
  ChangeMarkSchema,
  type Association,
  type ChangeMark,
  type Configuration,
  type ConfiguredRadio,
  type ScanEntry,
  type State,
  type SsidState,
} from './schemas';

/** uCentral's band names, by which configurations and state reports name radios. */
export const RADIO_OF_BAND: Record<string, Radio> = { '2G': '2g', '5G': '5g', '6G': '6g' };

/** EU and EEA countries: their radios follow the EU rules (ETSI EN 301 893). */
const EU_COUNTRIES = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
);

/** Without its configured interval, a report is taken to cover uCentral's usual minute. */
const DEFAULT_INTERVAL_S = 60;

const protocol = (message: string) =>
  new ControllerError('ControllerProtocol', `OpenWiFi gateway: ${message}`);

/** The configuration's radios by the loop's names, with their index in `radios[]`. */
export function radiosOf(
  config: Configuration,
): Partial<Record<Radio, { index: number; radio: ConfiguredRadio }>> {
  const out: Partial<Record<Radio, { index: number; radio: ConfiguredRadio }>> = {};
  config.radios.forEach((radio, index) => {
    const name = RADIO_OF_BAND[radio.band];
    // One radio per band: a second one (e.g. 5G-lower beside 5G-upper) is not the loop's to plan.
    if (name && !out[name]) out[name] = { index, radio };
  });
  return out;
}

export function regulatoryDomainOf(config: Configuration): RegulatoryDomain {
  const country = config.radios.find((r) => r.country)?.country?.toUpperCase() ?? 'US';
  if (country === 'US') return 'US';
  if (EU_COUNTRIES.has(country)) return 'EU';
  throw new ControllerError(
    'ControllerRefused',
    `OpenWiFi: country ${country} has no regulatory domain the loop knows (US, EU)`,
  );
}

/** A radio's settings as the configuration states them (the state report's channel where it says "auto"). */
export function radioConfigOf(
  radio: ConfiguredRadio,
  reported?: { channel: number; width?: number },
): RadioConfig {
  const channel = typeof radio.channel === 'number' ? radio.channel : reported?.channel;
  const width = radio['channel-width'] ?? reported?.width;
  if (channel === undefined)
    throw protocol(`radio ${radio.band}: channel "auto" and no state report to read it from`);
  if (!WIDTHS.includes(width as ChannelWidth))
    throw protocol(`radio ${radio.band}: channel-width ${width} is not one the loop plans`);
  if (radio['tx-power'] === undefined)
    throw protocol(`radio ${radio.band}: no tx-power in the configuration`);
  return {
    channel,
    width: width as ChannelWidth,
    txPowerDbm: radio['tx-power'],
    obssPdDbm: obssPdFromRawLines(radio['hostapd-iface-raw'] ?? []),
    admissionCap: radio['maximum-clients'] ?? null,
  };
}

/** The state report's SSIDs of one radio (by their `$ref` to it, else by band). */
function ssidsOf(state: State, radio: Radio): SsidState[] {
  const index = state.radios.findIndex((r) => r.band?.some((b) => RADIO_OF_BAND[b] === radio));
  return state.interfaces
    .flatMap((i) => i.ssids)
    .filter((s) =>
      s.radio
        ? s.radio.$ref === `#/radios/${index}`
        : s.band !== undefined && RADIO_OF_BAND[s.band] === radio,
    );
}

export function associationsOf(state: State, radio: Radio): Association[] {
  return ssidsOf(state, radio).flatMap((s) => s.associations);
}

export function reportedRadioOf(state: State | undefined, radio: Radio) {
  return state?.radios.find((r) => r.band?.some((b) => RADIO_OF_BAND[b] === radio));
}

/** The radios of a snapshot: configured settings, clients from the state report (none when offline). */
export function radioStatesOf(
  config: Configuration,
  state: State | undefined,
): Partial<Record<Radio, RadioState>> {
  return Object.fromEntries(
    Object.entries(radiosOf(config)).map(([name, { radio }]) => {
      const reported = reportedRadioOf(state, name as Radio);
      const settings = radioConfigOf(
        radio,
        reported && { channel: reported.channel, width: reported.channel_width },
      );
      const clientCount = state ? associationsOf(state, name as Radio).length : 0;
      return [name, { ...settings, clientCount, version: radioVersionOf(radio) }];
    }),
  );
}

/**
 * A radio's version, for a compare-and-set on that radio alone: the gateway versions only the whole
 * configuration (its UUID), so the radio's version is a digest of its own section (FNV-1a over the
 * section with its keys sorted). It changes when, and only when, the radio's settings change.
 */
export function radioVersionOf(radio: ConfiguredRadio): number {
  let hash = 0x811c9dc5;
  for (const char of canonical(radio)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Every radio enabled: the AP is administratively UP; all disabled: DOWN. */
export function adminStatusOf(config: Configuration): 'UP' | 'DOWN' {
  return config.radios.length > 0 && config.radios.every((r) => r.enable === false) ? 'DOWN' : 'UP';
}

/**
 * A client's quality of experience, estimated from what uCentral reports of it (it has no QoE
 * figure): signal from -90 dBm (0) to -60 dBm (1), discounted by its failed and retried frames.
 */
export function estimatedQoe(a: Association): number {
  const signal = Math.min(1, Math.max(0, (a.rssi + 90) / 30));
  const failed = a.tx_packets > 0 ? a.tx_failed / a.tx_packets : 0;
  const retried = a.tx_packets > 0 ? a.tx_retries / a.tx_packets : 0;
  return Math.round(signal * (1 - failed) * (1 - retried / 2) * 1000) / 1000;
}

/**
 * OpenWiFi's state reports carry no view of what a client hears of other APs (802.11k beacon reports
 * travel on its telemetry stream), nor whether it takes BSS transition requests: no client is
 * offered for steering (docs/controllers.md).
 */
export function clientsOf(state: State, radio: Radio): ClientView[] {
  return associationsOf(state, radio).map((a) => ({
    clientId: a.station,
    qoe: estimatedQoe(a),
    rssiDbm: a.rssi,
    btmCapable: false,
    candidates: [],
  }));
}

export function intervalOf(config: Configuration): number {
  return config.metrics?.statistics?.interval ?? DEFAULT_INTERVAL_S;
}

/** The radio's KPIs from the newest report (its counters cover one interval) and the one before. */
export function sampleOf(
  newest: State,
  previous: State | undefined,
  radio: Radio,
  intervalS: number,
): MonitorSample {
  const ssids = ssidsOf(newest, radio);
  const sum = (key: 'tx_packets' | 'tx_retries' | 'tx_failed' | 'tx_bytes' | 'rx_bytes') =>
    ssids.reduce((s, ssid) => s + (ssid.delta_counters?.[key] ?? 0), 0);
  const frames = sum('tx_packets');
  const stations = ssids.flatMap((s) => s.associations);
  const now = new Set(stations.map((a) => a.station));
  const before = previous ? associationsOf(previous, radio).map((a) => a.station) : [];
  const minutes = intervalS / 60;
  const reported = reportedRadioOf(newest, radio);
  const own = reported && frequencyMhz(radio, reported.channel);
  const survey = reported?.survey.find((s) => s.frequency === own);
  return {
    per: frames > 0 ? sum('tx_failed') / frames : 0,
    retryRate: frames > 0 ? sum('tx_retries') / frames : 0,
    throughputMbps: Math.round(((sum('tx_bytes') + sum('rx_bytes')) * 8) / intervalS / 1e4) / 100,
    disconnectsPerMin: before.filter((s) => !now.has(s)).length / minutes,
    avgQoe: stations.length === 0 ? 1 : stations.reduce((s, a) => s + estimatedQoe(a), 0) / stations.length,
    associationsPerMin: stations.filter((a) => (a.connected ?? Infinity) < 60).length,
    // A radio that sends nothing on its channel (a CAC) serves no one.
    transmitting: survey ? survey.time_tx > 0 : stations.length > 0,
    clientCount: stations.length,
    airtimePct: survey && ownAirtimePct(survey),
  };
}

/**
 * The radio's own share of airtime on its channel: the survey's transmit time over the channel's
 * active time (uCentral state schema). Unknown from an entry with no time, or more sent than there was.
 */
function ownAirtimePct(survey: { time: number; time_tx: number }): number | undefined {
  if (survey.time <= 0 || survey.time_tx > survey.time) return undefined;
  return Math.round((survey.time_tx / survey.time) * 1000) / 10;
}

/** A BSS the scan heard, with the channel and width its gateway configured, when it is one of ours. */
export interface HeardBss {
  entry: ScanEntry;
  managed?: { channel: number; width: ChannelWidth };
}

/**
 * Channel observations from a scan and the radio's survey: a BSS counts on every 20 MHz channel its
 * configured width covers (its primary only when it is not managed by this gateway); the survey's
 * busy time neither received nor sent is the non-Wi-Fi share. OpenWiFi reports neither DFS channel
 * states nor the clients' channel support: both are left unknown (a CAC is assumed, every client able).
 */
export function observationsOf(
  radio: Radio,
  domain: RegulatoryDomain,
  heard: HeardBss[],
  state: State | undefined,
): ChannelObservation[] {
  const survey = reportedRadioOf(state, radio)?.survey ?? [];
  const inBand = heard.filter(
    (h) => channelOfFrequency(h.entry.frequency ?? frequencyMhz(radio, h.entry.channel))?.radio === radio,
  );
  return channelsOfBand(radio, domain).map((channel) => {
    const covering = inBand.filter((h) =>
      h.managed
        ? bondedSubchannels(radio, h.managed.channel, h.managed.width, domain).includes(channel)
        : h.entry.channel === channel,
    );
    const s = survey.find((x) => x.frequency === frequencyMhz(radio, channel));
    const nonWifi = s && s.time > 0 ? Math.max(0, s.busy - s.time_rx - s.time_tx) / s.time : 0;
    return {
      channel,
      neighborCount: covering.length,
      strongestNeighborDbm: covering.length === 0 ? null : Math.max(...covering.map((h) => h.entry.signal)),
      nonWifiDutyCyclePct: Math.round(nonWifi * 1000) / 10,
      clientSupportPct: 100,
    };
  });
}

/** The configuration with the radio's settings set to `target` (and nothing else changed). */
export function withRadioSettings(
  config: Configuration,
  index: number,
  target: Partial<RadioConfig>,
): Configuration {
  const radio: ConfiguredRadio = { ...config.radios[index]! };
  if (target.channel !== undefined) radio.channel = target.channel;
  if (target.width !== undefined) radio['channel-width'] = target.width;
  if (target.txPowerDbm !== undefined) radio['tx-power'] = target.txPowerDbm;
  if (target.admissionCap !== undefined) {
    if (target.admissionCap === null) delete radio['maximum-clients'];
    else radio['maximum-clients'] = target.admissionCap;
  }
  if (target.obssPdDbm !== undefined) {
    const raw = [
      ...withoutSpatialReuse(radio['hostapd-iface-raw'] ?? []),
      ...obssPdRawLines(target.obssPdDbm),
    ];
    if (raw.length > 0) radio['hostapd-iface-raw'] = raw;
    else delete radio['hostapd-iface-raw'];
  }
  return { ...config, radios: config.radios.map((r, i) => (i === index ? radio : r)) };
}

/**
 * The configuration marked with the change it carries, in uCentral's free `third-party` section:
 * a retried step finds its own change id there and is not applied again, and a radio step leaves
 * the radio's settings before it, so a retry can say what the change did.
 */
export function marked(
  config: Configuration,
  changeId: string,
  radioChange?: Pick<ChangeMark, 'radio' | 'from'>,
): Configuration {
  const thirdParty = (config['third-party'] ?? {}) as Record<string, unknown>;
  return { ...config, 'third-party': { ...thirdParty, [MARK]: { changeId, ...radioChange } } };
}

/** The mark of the last change the loop applied, if the configuration carries a well-formed one. */
export function changeMarkOf(config: Configuration): ChangeMark | undefined {
  const mark = (config['third-party'] as Record<string, unknown> | undefined)?.[MARK];
  const parsed = ChangeMarkSchema.safeParse(mark);
  return parsed.success ? parsed.data : undefined;
}

export function markOf(config: Configuration): string | undefined {
  return changeMarkOf(config)?.changeId;
}

const MARK = 'rrm-event-loop';

/** The configuration with every radio enabled (UP) or disabled (DOWN). */
export function withAdminStatus(config: Configuration, status: 'UP' | 'DOWN'): Configuration {
  return { ...config, radios: config.radios.map((r) => ({ ...r, enable: status === 'UP' })) };
}

/** uCentral radio keys by the loop's radio parameter, for naming what a device rejected. */
export const KEY_OF_PARAM: Record<keyof RadioConfig, string> = {
  channel: 'channel',
  width: 'channel-width',
  txPowerDbm: 'tx-power',
  obssPdDbm: 'hostapd-iface-raw',
  admissionCap: 'maximum-clients',
};
