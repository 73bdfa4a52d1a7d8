// Builds the client population of a scenario from the seed: positions around the AP and
// capabilities, with a deterministic share of clients lacking DFS or UNII-3 support or 802.11v
// BSS transition, and a few "roamers" that wandered next to a neighbour AP but stay associated.
// Draws added later (BTM, roamers) use their own streams so the original draws stay as they were.
import { type ChannelWidth, type Radio, type RegulatoryDomain } from '../domain/regulatory';
import { isDfsChannel } from '../domain/dfs';
import { intBetween, rngFor, type Rng } from './random';
import { subchannelsOf } from './rf-model';
import type { Client, ClientSpec, RadioConfig, ScenarioAp } from './types';

const RADIO_CODE: Record<Radio, number> = { '2g': 2, '5g': 5, '6g': 6 };
/** Clients per radio when a scenario does not say (an AP totals roughly 10-30). */
const DEFAULT_CLIENTS: Record<Radio, [number, number]> = { '2g': [3, 9], '5g': [7, 21], '6g': [2, 6] };
const NO_DFS_SHARE = 0.15;
const NO_UNII3_SHARE = 0.12;
/** Most current clients support 802.11v BSS transition management. */
const BTM_SHARE = 0.85;
/** One drawn client in ten is a roamer: it sits next to a neighbour AP, heard far better than its own. */
const ROAMERS_PER_CLIENT = 0.1;
/** Neighbour APs a roamer may wander to: the grid's direct and diagonal neighbours. */
const ROAM_NEIGHBOUR_RANGE_M = 30;

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

/** The name an AP's random draws are keyed by. */
export const drawName = (ap: ScenarioAp): string => ap.drawsAs ?? ap.apId;

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
  const rng = rngFor(seed, 'clients', drawName(ap), radio);
  const specs: ClientSpec[] = Array.isArray(spec)
    ? spec
    : Array.from({ length: spec ?? intBetween(rng, ...DEFAULT_CLIENTS[radio]) }, () => ({}));
  const subs = subchannelsOf(config, domain);
  const btm = rngFor(seed, 'btm', drawName(ap), radio);
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
        btmCapable: s.btmCapable ?? btm() < BTM_SHARE,
      },
      surgeAt: null,
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
  const rng = rngFor(seed, 'surge', drawName(ap), radio, from);
  const btm = rngFor(seed, 'surge-btm', drawName(ap), radio, from);
  return Array.from({ length: count }, (_, k) => {
    const angle = rng() * 2 * Math.PI;
    const radius = 2 + rng() * 8;
    return {
      clientId: clientMac(apIndex, radio, 0x100 + from + k),
      apId: ap.apId,
      radio,
      x: Math.round((ap.x + radius * Math.cos(angle)) * 10) / 10,
      y: Math.round((ap.y + radius * Math.sin(angle)) * 10) / 10,
      capabilities: {
        supportsDfs: true,
        supportsUnii3: true,
        maxWidth: drawMaxWidth(rng, radio),
        btmCapable: btm() < BTM_SHARE,
      },
      surgeAt: ap.apId,
    };
  });
}

type Point = { x: number; y: number };

/** The APs of the scenario a client of `ap` may wander to on `radio`. */
export const roamingNeighbours = (aps: readonly ScenarioAp[], ap: ScenarioAp, radio: Radio): Point[] =>
  aps.filter(
    (o) =>
      o.apId !== ap.apId &&
      o.radios[radio] !== undefined &&
      Math.hypot(o.x - ap.x, o.y - ap.y) <= ROAM_NEIGHBOUR_RANGE_M,
  );

/** A spot 3-6 m beyond a neighbour, seen from the client's own AP: it hears the neighbour far better. */
function spotBeyond(rng: Rng, own: Point, neighbour: Point): Point {
  const dx = neighbour.x - own.x;
  const dy = neighbour.y - own.y;
  const len = Math.hypot(dx, dy) || 1;
  const ahead = 3 + 3 * rng();
  const aside = (rng() * 2 - 1) * 2;
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    x: round(neighbour.x + (dx / len) * ahead - (dy / len) * aside),
    y: round(neighbour.y + (dy / len) * ahead + (dx / len) * aside),
  };
}

/**
 * Moves `count` of `clients` (chosen by the stream) next to the neighbours, round the neighbours in
 * turn. Returns the moved clients. Used for the seeded roamers and the roamers injection.
 */
export function displaceClients(
  rng: Rng,
  own: Point,
  neighbours: readonly Point[],
  clients: Client[],
  count: number,
): Client[] {
  if (neighbours.length === 0) return [];
  const pool = [...clients];
  const moved: Client[] = [];
  for (let k = 0; k < count && pool.length > 0; k++) {
    const [client] = pool.splice(Math.floor(rng() * pool.length), 1);
    Object.assign(
      client,
      spotBeyond(rng, own, neighbours[(k + Math.floor(rng() * neighbours.length)) % neighbours.length]),
    );
    moved.push(client);
  }
  return moved;
}

/** The seeded roamers of a radio whose clients were drawn (explicit client lists stay as given). */
export function placeSeededRoamers(
  seed: number,
  aps: readonly ScenarioAp[],
  ap: ScenarioAp,
  radio: Radio,
  clients: Client[],
): void {
  if (Array.isArray(ap.radios[radio]?.clients)) return;
  const count = Math.floor(clients.length * ROAMERS_PER_CLIENT);
  displaceClients(
    rngFor(seed, 'roamers', drawName(ap), radio),
    ap,
    roamingNeighbours(aps, ap, radio),
    clients,
    count,
  );
}
