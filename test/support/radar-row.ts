// Four APs in a row, 20 m apart, on the DFS channels 52–64 (each the others' RF neighbour), for
// the tests of a radar burst on the real stack: the scenario, radar on all four at once, and their
// 5 GHz channels and co-channel neighbour pairs as the simulator reports them.
import { coChannelPairs, type BondedChannel } from '../../domain/joint-plan';
import type { ChannelWidth } from '../../domain/regulatory';
import type { ScenarioDefinition } from '../../simulator/types';
import { getAp, getRadio, simPost } from './sim-client';
import type { Stack } from './stack';

export const RADAR = [52, 56, 60, 64];

export const RADAR_ROW: ScenarioDefinition = {
  name: 'radar-row',
  description: 'four APs in a row on the DFS channels 52-64',
  aps: RADAR.map((channel, i) => ({
    apId: `row-${i + 1}`,
    x: i * 20,
    y: 0,
    radios: {
      '2g': { channel: [1, 6, 11, 1][i], width: 20, txPowerDbm: 11 },
      '5g': { channel, width: 20, txPowerDbm: 17 },
    },
  })),
};

export interface RadarRow {
  apIds: string[];
  /** Each AP's 5 GHz channel now. */
  channels(): Promise<Record<string, BondedChannel>>;
  /** The co-channel neighbour pairs now. */
  pairs(): Promise<[string, string][]>;
  /**
   * Radar on every AP's channel and one event per AP, all at once: a DFS_RADAR report, or `event`
   * (on the AP's channel); returns their event ids.
   */
  radarOnAll(event?: Record<string, unknown>): Promise<string[]>;
}

export async function radarRow(stack: Stack): Promise<RadarRow> {
  const apIds = RADAR_ROW.aps.map((ap) => stack.ap(ap.apId));
  const graph = await Promise.all(
    apIds.map(async (apId) => ({ apId, neighbours: (await getAp(stack.sim.url, apId)).neighbors })),
  );
  const channels = async (): Promise<Record<string, BondedChannel>> =>
    Object.fromEntries(
      await Promise.all(
        apIds.map(async (id) => {
          const r = await getRadio(stack.sim.url, id);
          return [id, { channel: r.channel, width: r.width as ChannelWidth }] as const;
        }),
      ),
    );
  return {
    apIds,
    channels,
    pairs: async () => coChannelPairs(graph, await channels(), '5g', 'US'),
    async radarOnAll(event = { type: 'DFS_RADAR' }) {
      if (!graph.every((r) => r.neighbours.length > 0))
        throw new Error('radar row: an AP without neighbours');
      for (const channel of RADAR) await simPost(stack.sim.url, '/v1/inject/radar', { channel });
      const submitted = await stack.rrm.submit(
        apIds.map((apId, i) => ({ ...event, apId, data: { channel: RADAR[i] } })),
      );
      return submitted.map((s) => s.eventId);
    },
  };
}
