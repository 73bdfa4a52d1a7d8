// Builds the client population of a scenario from the seed: positions around the AP and
// capabilities, with a deterministic share of clients lacking DFS or UNII-3 support.
import { isDfsChannel, type ChannelWidth, type Radio, type RegulatoryDomain } from '../domain/regulatory';
import { intBetween, rngFor, type Rng } from './random';
import { subchannelsOf } from './rf-model';
import type { Client, ClientSpec, RadioConfig, ScenarioAp } from './types';

const RADIO_CODE: Record<Radio, number> = { '2g': 2, '5g': 5, '6g': 6 };
/** Clients per radio when a scenario does not say (an AP totals roughly 10-30). */
const DEFAULT_CLIENTS: Record<Radio, [number, number]> = { '2g': [3, 9], '5g': [7, 21], '6g': [2, 6] };
const NO_DFS_SHARE = 0.15;
const NO_UNII3_SHARE = 0.12;

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

/** A locally administered MAC address: 02:00:<ap hi>:<ap lo>:<radio>:<index>. */
export const clientMac = (apIndex: number, radio: Radio, index: number): string =>
  [
    '02',
    '00',
    hex2(apIndex >> 8),
    hex2(apIndex),
    hex2(RADIO_CODE[radio] * 16 + (index >> 8)),
    hex2(index),
  ].join(':');

function drawMaxWidth(rng: Rng, radio: Radio): ChannelWidth {
  if (radio === '2g') return 20;
  const r = rng();
  return r < 0.1 ? 20 : r < 0.3 ? 40 : r < 0.9 ? 80 : 160;
}

/**
 * Clients of one AP radio. Clients drawn from the seed can all use the radio's initial channel
 * (those that could not would not be associated); the ones lacking DFS or UNII-3 support show up
 * when the channel moves.
 */
export function populateRadio(
  seed: number,
  apIndex: number,
  ap: ScenarioAp,
  radio: Radio,
  config: RadioConfig,
  domain: RegulatoryDomain,
  spec: number | ClientSpec[] | undefined,
): Client[] {
  const rng = rngFor(seed, 'clients', ap.apId, radio);
  const specs: ClientSpec[] = Array.isArray(spec)
    ? spec
    : Array.from({ length: spec ?? intBetween(rng, ...DEFAULT_CLIENTS[radio]) }, () => ({}));
  const subs = subchannelsOf(config, domain);
  return specs.map((s, index) => {
    const angle = rng() * 2 * Math.PI;
    const radius = 2 + rng() * 8;
    const client: Client = {
      clientId: s.clientId ?? clientMac(apIndex, radio, index + 1),
      apId: ap.apId,
      radio,
      x: s.x ?? Math.round((ap.x + radius * Math.cos(angle)) * 10) / 10,
      y: s.y ?? Math.round((ap.y + radius * Math.sin(angle)) * 10) / 10,
      capabilities: {
        supportsDfs: true,
        supportsUnii3: true,
        maxWidth: s.maxWidth ?? drawMaxWidth(rng, radio),
      },
      surge: false,
    };
    const lacksDfs = rng() < NO_DFS_SHARE;
    const lacksUnii3 = rng() < NO_UNII3_SHARE;
    const onDfs = subs.some((c) => isDfsChannel(radio, c, domain));
    const onUnii3 = radio === '5g' && subs.some((c) => c >= 149 && c <= 165);
    client.capabilities.supportsDfs = s.supportsDfs ?? (radio !== '5g' || onDfs || !lacksDfs);
    client.capabilities.supportsUnii3 = s.supportsUnii3 ?? (radio !== '5g' || onUnii3 || !lacksUnii3);
    return client;
  });
}

/** Extra clients for a surge injection, placed around the AP. */
export function surgeClients(
  seed: number,
  apIndex: number,
  ap: ScenarioAp,
  radio: Radio,
  from: number,
  count: number,
): Client[] {
  const rng = rngFor(seed, 'surge', ap.apId, radio, from);
  return Array.from({ length: count }, (_, k) => {
    const angle = rng() * 2 * Math.PI;
    const radius = 2 + rng() * 8;
    return {
      clientId: clientMac(apIndex, radio, 0x100 + from + k),
      apId: ap.apId,
      radio,
      x: Math.round((ap.x + radius * Math.cos(angle)) * 10) / 10,
      y: Math.round((ap.y + radius * Math.sin(angle)) * 10) / 10,
      capabilities: { supportsDfs: true, supportsUnii3: true, maxWidth: drawMaxWidth(rng, radio) },
      surge: true,
    };
  });
}
