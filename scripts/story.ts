// The built-in floor's story: conditions switched on in the simulator one after another, so that the
// sensing bridge raises every kind of event of the policy table, plus the few a person would submit
// by hand (a QoE complaint built from the clients view, a doubtful report, a duplicate).
import type { ChannelWidth } from '../domain/regulatory';
import { jammerBeside, STORY, STORY_INTERFERER, STORY_MICROWAVE } from '../simulator/scenario';

/** The AP whose change the story rolls back: a burst that was gone when acted upon, then a jammer. */
export const FALSE_ALARM_AP = 'ap-08';
/** ap-05's RF neighbour that must move after the radar: onto DFS, never onto ap-05's closed channels. */
export const RADAR_NEIGHBOUR_AP = 'ap-06';
const NON_DFS_5G_US = [36, 40, 44, 48, 149, 153, 157, 161, 165];
/** The channels a weather radar sweeps late in the story: where several APs operate by then. */
const WEATHER_RADAR = [100, 104, 108, 112, 116, 120, 124, 128];

export interface StoryStage {
  /** Seconds after the start. */
  at: number;
  say: string;
  act(ctx: StoryContext): Promise<void>;
}

export interface StoryContext {
  controller(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Record<string, unknown>>;
  radioOf(apId: string): Promise<{ x: number; y: number; channel: number; width: ChannelWidth }>;
  clientsOf(apId: string): Promise<{ clientId: string; qoe: number }[]>;
  /** Submits events by hand (not through the sensing bridge), with story-unique eventIds. */
  submit(label: string, events: Record<string, unknown>[]): Promise<void>;
}

export const STORY_STAGES: StoryStage[] = [
  {
    at: 3,
    say: `radar on channel ${STORY.radar.channel}: ${STORY.radar.apId} must leave within 10 s (DFS_RADAR)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/radar', { channel: STORY.radar.channel })),
  },
  {
    at: 8,
    say: `${STORY_INTERFERER.interfererId} switches on next to ${STORY.interference.apId}: confident burst, channel change (NON_WIFI_BURST; also SPECTRUM_SAT and QoE while it lasts)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/interferer', {
        interfererId: STORY_INTERFERER.interfererId,
      })),
  },
  {
    at: 13,
    say: `${STORY_MICROWAVE.interfererId} heats lunch on 2.4 GHz: a less certain burst, OBSS-PD is raised`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/interferer', {
        interfererId: STORY_MICROWAVE.interfererId,
      })),
  },
  {
    at: 18,
    say: `${STORY.loadImbalance.count} clients settle on ${STORY.loadImbalance.apId}: some are steered to lighter neighbours (LOAD_IMBALANCE)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/client-surge', STORY.loadImbalance)),
  },
  {
    at: 23,
    say: `${STORY.hwFailure.apId} stops responding: failover, neighbours raise TX power (HW_FAILURE)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/ap-failure', {
        apId: STORY.hwFailure.apId,
        detail: STORY.hwFailure.detail,
      })),
  },
  {
    at: 28,
    say: `the switch cuts ${STORY.powerBudget.apId}'s PoE budget to ${STORY.powerBudget.budgetWatts} W: TX power lowered (POWER_BUDGET_EXCEEDED)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/power-budget', STORY.powerBudget)),
  },
  {
    at: 33,
    say: `a lecture lets in ${STORY.densitySpike.count} clients on ${STORY.densitySpike.apId} at once: admission capped until the spike ends (DENSITY_SPIKE)`,
    act: async ({ controller }) =>
      void (await controller('POST', '/v1/inject/client-surge', { ...STORY.densitySpike, settled: false })),
  },
  {
    at: 38,
    say: `a few clients of ${STORY.qoe.apId} wander off; the helpdesk reports their QoE: steered to the neighbour they hear best (QOE_DEGRADATION)`,
    act: async ({ controller, clientsOf, submit }) => {
      await controller('POST', '/v1/inject/roamers', {
        apId: STORY.qoe.apId,
        radio: STORY.qoe.radio,
        count: 2,
      });
      const clients = await clientsOf(STORY.qoe.apId);
      await submit('qoe', [
        { type: 'QOE_DEGRADATION', apId: STORY.qoe.apId, source: 'MANUAL', data: { clients } },
      ]);
    },
  },
  {
    at: 43,
    say: 'a doubtful report (REJECTED) and the QoE report again (a duplicate, not started twice)',
    act: async ({ clientsOf, submit }) => {
      await submit('doubtful', [{ type: 'NON_WIFI_BURST', apId: 'ap-06', confidence: 0.3 }]);
      const clients = await clientsOf(STORY.qoe.apId);
      await submit('qoe', [
        { type: 'QOE_DEGRADATION', apId: STORY.qoe.apId, source: 'MANUAL', data: { clients } },
      ]);
    },
  },
  {
    at: 48,
    say: `a short burst on ${FALSE_ALARM_AP}'s channel, reported CRITICAL by hand, gone by the time the loop acts: it moves anyway…`,
    act: async ({ radioOf, submit }) => {
      const radio = await radioOf(FALSE_ALARM_AP);
      await submit('short-burst', [
        {
          type: 'NON_WIFI_BURST',
          apId: FALSE_ALARM_AP,
          confidence: 0.85,
          // CRITICAL: the bridge's later (HIGH) report of the jammer waits for this watch.
          severity: 'CRITICAL',
          data: { channel: radio.channel, dutyCyclePct: 80 },
        },
      ]);
    },
  },
  {
    at: 63,
    say: `…and a jammer appears on ${FALSE_ALARM_AP}'s new channel: its report waits for the watch; the window starts after the move's 60 s CAC, and two degraded samples roll it back (about +170 s)`,
    act: async ({ controller, radioOf }) =>
      void (await controller(
        'POST',
        '/v1/inject/interferer',
        jammerBeside(await radioOf(FALSE_ALARM_AP), 'story-jammer'),
      )),
  },
  {
    at: 70,
    say: `the lecture has started: no more arrivals on ${STORY.densitySpike.apId}; the cap is lifted about a minute later`,
    act: async ({ controller }) =>
      void (await controller('DELETE', `/v1/inject/client-surge/${STORY.densitySpike.apId}`)),
  },
  {
    at: 75,
    say:
      `every non-DFS channel around ${RADAR_NEIGHBOUR_AP} is jammed and a burst hits its own: it refuses ` +
      `${STORY.radar.channel}-64 (closed for it by ${STORY.radar.apId}'s radar) and moves onto a DFS channel it has ` +
      `not checked, off the air for the 60 s CAC (NON_WIFI_BURST)`,
    act: async ({ controller, radioOf, submit }) => {
      const radio = await radioOf(RADAR_NEIGHBOUR_AP);
      const jammer = jammerBeside(radio, 'story-non-dfs-jammer');
      const channels = [...new Set([...NON_DFS_5G_US, ...jammer.channels])];
      await controller('POST', '/v1/inject/interferer', { ...jammer, channels });
      await submit('neighbour-burst', [
        {
          type: 'NON_WIFI_BURST',
          apId: RADAR_NEIGHBOUR_AP,
          confidence: 0.9,
          data: { channel: radio.channel, dutyCyclePct: 95 },
        },
      ]);
    },
  },
  {
    at: 200,
    say:
      `a weather radar sweeps channels ${WEATHER_RADAR[0]}-${WEATHER_RADAR[WEATHER_RADAR.length - 1]}: every AP ` +
      `on them leaves at once (DFS_RADAR), each drawing among its equally good channels (a radar move does ` +
      `not wait to see its neighbours' bookings); once the burst is quiet (10 s) the ` +
      `neighbourhood is re-planned as one, its moves JOINT_REPLAN events (docs/coordination.md)`,
    act: async ({ controller }) => {
      for (const channel of WEATHER_RADAR) await controller('POST', '/v1/inject/radar', { channel });
    },
  },
];
