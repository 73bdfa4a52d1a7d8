// The built-in floor used by the demo and the tests, and the factory for custom worlds.
import { bondedSubchannels, type ChannelWidth, type RegulatoryDomain } from '../domain/regulatory';
import { World } from './world';
import type { Interferer, ScenarioAp, ScenarioDefinition } from './types';

const GRID_SPACING_M = 20;

type Plan = Array<[number, 20 | 40 | 80]>;
/** 5 GHz plan of the 3×3 grid, row by row: [channel, width]. Same story in both domains. */
const PLAN_5G: Record<RegulatoryDomain, Plan> = {
  US: [
    [36, 40],
    [100, 40],
    [44, 40],
    [149, 40],
    [52, 80],
    [157, 40],
    [116, 80],
    [108, 40],
    [132, 80],
  ],
  // EU has no UNII-3 (149-165) and no 144: those APs move to other DFS channels.
  EU: [
    [36, 40],
    [100, 40],
    [44, 40],
    [116, 40],
    [52, 80],
    [132, 40],
    [140, 20],
    [108, 40],
    [124, 40],
  ],
};
/** 2.4 GHz reuses the three non-overlapping channels. */
const PLAN_2G = [1, 6, 11, 6, 11, 1, 11, 1, 6];

const floorAps = (domain: RegulatoryDomain): ScenarioAp[] =>
  PLAN_5G[domain].map(([channel, width], i) => ({
    apId: `ap-0${i + 1}`,
    x: (i % 3) * GRID_SPACING_M,
    y: Math.floor(i / 3) * GRID_SPACING_M,
    radios: {
      // Below the 21 dBm 1:1 reference: leaves headroom for failover and OBSS-PD tuning.
      '2g': { channel: PLAN_2G[i], width: 20, txPowerDbm: 11 },
      '5g': { channel, width, txPowerDbm: 17 },
    },
  }));

/** The story's non-Wi-Fi emitter: a 5 GHz video bridge right next to ap-03, on its channels 44/48. */
export const STORY_INTERFERER: Omit<Interferer, 'on'> = {
  interfererId: 'video-bridge-1',
  type: 'video_bridge',
  radio: '5g',
  channels: [44, 48],
  dutyCyclePct: 90,
  powerDbm: 20,
  x: 44,
  y: 4,
};

/** A weaker, intermittent emitter for the OBSS-PD branch of the policy (confidence 0.5-0.8). */
export const STORY_MICROWAVE: Omit<Interferer, 'on'> = {
  interfererId: 'microwave-1',
  type: 'microwave',
  radio: '2g',
  channels: [9, 10, 11],
  dutyCyclePct: 50,
  powerDbm: 20,
  x: 24,
  y: 24,
};

/**
 * The story's pieces, one per event type, each naming its AP and what to inject (the main job
 * plays them; the sensing bridge sees each as one detection kind):
 * - radar, interference: as above (`POST /v1/inject/radar`, `/v1/inject/interferer`).
 * - densitySpike: `POST /v1/inject/client-surge` on ap-02 (9 clients → 39): density_spike (and
 *   load_imbalance while it lasts); `DELETE /v1/inject/client-surge/ap-02` ends it.
 * - hwFailure: `POST /v1/inject/ap-failure` on the corner ap-09: hw_failure; its 15 clients roam to
 *   ap-05/06/08 with poorer links, which a TX power raise of ap-06/ap-08 (17 → 21 dBm) improves.
 * - powerBudget: `POST /v1/inject/power-budget` gives ap-04 802.3af class 3 (12.95 W) against its
 *   13 W draw: power_budget, throughput halved; 5g TX 17 → 16 dBm fits (12.75 W).
 * - loadImbalance: a settled crowd (`client-surge` with `settled: true`) of 25 on ap-01 (11 → 36
 *   against a neighbour mean of 12): load_imbalance only, no density spike.
 * - qoe: `POST /v1/inject/roamers` walks 15 of ap-07's 21 clients next to its neighbours: average
 *   QoE below 0.5 (qoe), each roamer hears a neighbour far better (steerable).
 */
/**
 * A strong non-Wi-Fi emitter right next to an AP, over its whole bonded 5 GHz channel: what tests and
 * the story switch on to make a channel bad. `radio` is the AP's position and 5 GHz channel.
 */
export function jammerBeside(
  radio: { x: number; y: number; channel: number; width: ChannelWidth },
  interfererId: string,
  domain: RegulatoryDomain = 'US',
): Omit<Interferer, 'on'> {
  return {
    interfererId,
    type: 'jammer',
    radio: '5g',
    channels: bondedSubchannels('5g', radio.channel, radio.width, domain),
    dutyCyclePct: 95,
    powerDbm: 20,
    x: radio.x + 2,
    y: radio.y + 2,
  };
}

export const STORY = {
  radar: { apId: 'ap-05', radio: '5g', channel: 52 },
  interference: { apId: 'ap-03', radio: '5g', interfererId: STORY_INTERFERER.interfererId, channel: 44 },
  densitySpike: { apId: 'ap-02', radio: '5g', count: 30 },
  hwFailure: { apId: 'ap-09', component: 'ap', detail: 'no heartbeat from the AP for 30 s' },
  powerBudget: { apId: 'ap-04', budgetWatts: 12.95 },
  loadImbalance: { apId: 'ap-01', radio: '5g', count: 25, settled: true },
  qoe: { apId: 'ap-07', radio: '5g', roamers: 15 },
} as const;

/** The built-in floor, planned for the regulatory domain. */
export function builtInScenario(domain: RegulatoryDomain = 'US'): ScenarioDefinition {
  return {
    name: 'office-floor-3x3',
    description:
      'One office floor, nine APs (ap-01..ap-09) on a 3×3 grid 20 m apart; every AP has a 2g radio (1/6/11) ' +
      'and a 5g radio. ap-05 sits in the middle on DFS channel 52 at 80 MHz; ap-03 is on non-DFS 44/40. ' +
      'Story: radar hits channel 52, so ap-05 must leave for a non-DFS channel (36-48 are shared with its ' +
      'diagonal neighbours ap-01 and ap-03; in the US 149-161 with its direct neighbours ap-04 and ap-06, 165 ' +
      'is clean at 20 MHz). Then video bridge "video-bridge-1" (90 % duty, 4 m from ap-03) switches on over ' +
      '44/48 and wrecks ap-03; 36/40 is clean for it (149/40 too in the US). "microwave-1" (50 % duty, 2.4 GHz ' +
      'channels 9-11 near ap-05) is the weaker, medium-confidence burst. A share of 5g clients lacks DFS or ' +
      'UNII-3 support, which shows when their AP moves.',
    regulatoryDomain: domain,
    aps: floorAps(domain),
    interferers: [STORY_INTERFERER, STORY_MICROWAVE],
  };
}

export const BUILT_IN_SCENARIO: ScenarioDefinition = builtInScenario('US');

export interface CreateWorldOptions {
  seed?: number;
  regulatoryDomain?: RegulatoryDomain;
  /** Default: the built-in floor. */
  scenario?: ScenarioDefinition;
  clock?: () => Date;
}

export function createWorld(opts: CreateWorldOptions = {}): World {
  const scenario = opts.scenario ?? builtInScenario(opts.regulatoryDomain ?? 'US');
  return new World({ ...opts, scenario });
}
