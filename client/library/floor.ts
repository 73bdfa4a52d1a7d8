// The floor at a glance (`rrm floor`, `GET /v1/floor`, the `/ui/` page): every AP and radio as the
// controller port reports it (channel, width, power, clients, where the AP is and whom it hears)
// beside what the loop is doing with it: who holds or watches its turn, who waits in its queue, which
// channels radar has closed for it and until when, whether it is off the air for a CAC, and which
// neighbours share a channel.
import {
  bondedSubchannels,
  RADIOS,
  type ChannelWidth,
  type Radio,
  type RegulatoryDomain,
} from '../../domain/regulatory';
import { type TurnParty } from '../../domain/radio-turns';
import { limiter } from './limiter';
import type { RrmClient } from './rrm-client';
import type { ControllerPort, FloorApReading } from '../../activities/controller';

export interface FloorRadio {
  radio: Radio;
  channel: number;
  width: number;
  txPowerDbm: number;
  clientCount: number;
  /** The event holding the radio's turn (planning or applying), if any. */
  holder: TurnParty | null;
  /** The event watching its change on the radio, until its monitor window ends (epoch ms). */
  watch: (TurnParty & { until: number }) | null;
  /** Events waiting for the radio, first to act first. */
  queue: string[];
  cooldownUntil: number;
  /** 20 MHz channels in their Non-Occupancy Period for this radio. */
  closedChannels: number[];
  /** The same channels with the end of their Non-Occupancy Period (epoch ms). */
  closures: { channel: number; until: number }[];
  /**
   * When the radio transmits again (epoch ms) if its watched move put it on a DFS channel it had not
   * checked (the CAC, from the watching event's status); null otherwise.
   */
  cacUntil: number | null;
}

export interface FloorAp {
  apId: string;
  /** As the controller says: UP, DOWN, … */
  status: string;
  /** Whether the AP's coordinator workflow runs (an idle AP has none). */
  coordinator: 'running' | 'idle';
  radios: FloorRadio[];
  /** Where the AP is on the floor plan (metres), when the controller knows it; null otherwise. */
  position: { x: number; y: number } | null;
  /** Its RF neighbours, as the controller knows them (sorted). */
  neighbors: string[];
}

/** Two RF neighbours whose radios of one band share a 20 MHz channel (each pair once, ids in order). */
export interface CoChannelPair {
  radio: Radio;
  apIds: [string, string];
}

export interface FloorView {
  collectedAt: string;
  controllerUrl: string;
  aps: FloorAp[];
  coChannelPairs: CoChannelPair[];
}

async function floorAp(rrm: RrmClient, ap: FloorApReading): Promise<FloorAp> {
  const turns = await rrm.apState(ap.apId);
  const radios = RADIOS.filter((r) => ap.radios[r]).map(async (radio): Promise<FloorRadio> => {
    const { holder, watch, queue, cooldownUntil } = turns.radios[radio];
    const closures = turns.closedChannels.filter((c) => c.radio === radio);
    return {
      radio,
      ...ap.radios[radio]!,
      holder: holder && { eventId: holder.eventId, type: holder.type, severity: holder.severity },
      watch: watch && {
        eventId: watch.eventId,
        type: watch.type,
        severity: watch.severity,
        until: watch.until,
      },
      queue,
      cooldownUntil,
      closedChannels: closures.map((c) => c.channel),
      closures: closures.map(({ channel, until }) => ({ channel, until })),
      cacUntil: watch ? await cacEnd(rrm, watch.eventId) : null,
    };
  });
  return {
    apId: ap.apId,
    status: ap.status,
    coordinator: turns.running ? 'running' : 'idle',
    radios: await Promise.all(radios),
    position: ap.position ?? null,
    neighbors: [...(ap.neighbors ?? [])].sort(),
  };
}

/** The end of the CAC the watching event's move costs, if it is still ahead; null when unknown. */
async function cacEnd(rrm: RrmClient, eventId: string): Promise<number | null> {
  try {
    const { cacUntil } = await rrm.status(eventId);
    const until = cacUntil ? Date.parse(cacUntil) : NaN;
    return Number.isFinite(until) && until > Date.now() ? until : null;
  } catch {
    // The floor still shows the watch; a status that does not answer only hides the CAC.
    return null;
  }
}

/** What co-channel pairs are found from. */
export interface PairedAp extends Pick<FloorAp, 'apId' | 'status' | 'neighbors'> {
  radios: Pick<FloorRadio, 'radio' | 'channel' | 'width'>[];
  regulatoryDomain?: RegulatoryDomain;
}

/**
 * Neighbour pairs of APs in service whose radios of one band overlap in a 20 MHz channel. An AP
 * counts another as a neighbour when either lists the other. Without a regulatory domain, US.
 */
export function coChannelPairs(aps: PairedAp[]): CoChannelPair[] {
  const byId = new Map(aps.map((ap) => [ap.apId, ap]));
  const linked = new Set<string>();
  for (const ap of aps)
    for (const n of ap.neighbors) {
      if (n !== ap.apId && byId.has(n)) linked.add(ap.apId < n ? `${ap.apId}\n${n}` : `${n}\n${ap.apId}`);
    }
  const pairs: CoChannelPair[] = [];
  for (const key of [...linked].sort()) {
    const [a, b] = key.split('\n').map((id) => byId.get(id)!);
    if (a.status !== 'UP' || b.status !== 'UP') continue;
    const domain = a.regulatoryDomain ?? b.regulatoryDomain ?? 'US';
    for (const radio of RADIOS) {
      const ours = a.radios.find((r) => r.radio === radio);
      const theirs = b.radios.find((r) => r.radio === radio);
      if (!ours || !theirs) continue;
      const covered = new Set(subchannelsOf(radio, ours, domain));
      if (subchannelsOf(radio, theirs, domain).some((c) => covered.has(c)))
        pairs.push({ radio, apIds: [a.apId, b.apId] });
    }
  }
  return pairs;
}

/** The 20 MHz channels a radio covers; a channel the domain does not bond, on its own. */
function subchannelsOf(
  radio: Radio,
  r: { channel: number; width: number },
  domain: RegulatoryDomain,
): number[] {
  const bonded = bondedSubchannels(radio, r.channel, r.width as ChannelWidth, domain);
  return bonded.length > 0 ? bonded : [r.channel];
}

/** Coordinators asked at once: a floor of hundreds of APs is read in a few round trips each. */
const CONCURRENT_AP_READS = 16;

/** The controller's APs beside what the loop is doing with each. */
export async function collectFloor(
  rrm: RrmClient,
  controller: ControllerPort,
  controllerUrl: string,
): Promise<FloorView> {
  const aps = await controller.listAps();
  const limit = limiter(CONCURRENT_AP_READS);
  const floor = await Promise.all(aps.map((ap) => limit(() => floorAp(rrm, ap))));
  const domains = new Map(aps.map((ap) => [ap.apId, ap.regulatoryDomain]));
  return {
    collectedAt: new Date().toISOString(),
    controllerUrl,
    aps: floor,
    coChannelPairs: coChannelPairs(floor.map((ap) => ({ ...ap, regulatoryDomain: domains.get(ap.apId) }))),
  };
}
