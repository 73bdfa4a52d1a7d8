// The benchmarks' campus: a grid of APs 20 m apart whose 5 GHz radios sit on the DFS channels 52-64
// (so radar on those four channels hits every one), and optionally a second grid far away on the
// non-DFS channels for background events that never touch the radar APs.
import type { ScenarioAp, ScenarioDefinition } from '../simulator/types';

export const RADAR_CHANNELS = [52, 56, 60, 64];
const QUIET_CHANNELS = [36, 40, 44, 48, 149, 153, 157, 161];
const SPACING_M = 20;
const COLUMNS = 20;
/** Far enough that no background AP is an RF neighbour of a radar AP. */
const BACKGROUND_OFFSET_M = 2_000;

export const radarApId = (i: number) => `ap-${String(i + 1).padStart(4, '0')}`;
export const backgroundApId = (i: number) => `bg-${String(i + 1).padStart(4, '0')}`;

function grid(count: number, id: (i: number) => string, channels: number[], offset: number): ScenarioAp[] {
  return Array.from({ length: count }, (_, i) => ({
    apId: id(i),
    x: offset + (i % COLUMNS) * SPACING_M,
    y: Math.floor(i / COLUMNS) * SPACING_M,
    radios: {
      '2g': { channel: [1, 6, 11][i % 3], width: 20, txPowerDbm: 11 },
      '5g': { channel: channels[i % channels.length], width: 20, txPowerDbm: 17 },
    },
  }));
}

/** `radarAps` APs on the DFS channels, and `backgroundAps` elsewhere on the non-DFS channels. */
export function campus(radarAps: number, backgroundAps = 0): ScenarioDefinition {
  return {
    name: 'bench-campus',
    description: `${radarAps} APs on DFS channels 52-64, ${backgroundAps} on non-DFS channels`,
    aps: [
      ...grid(radarAps, radarApId, RADAR_CHANNELS, 0),
      ...grid(backgroundAps, backgroundApId, QUIET_CHANNELS, BACKGROUND_OFFSET_M),
    ],
  };
}
