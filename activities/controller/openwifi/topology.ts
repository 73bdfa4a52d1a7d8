// Who hears whom on an OpenWiFi network: OpenWiFi keeps no RF neighbour list, so it is built as
// its own RRM builds it, from Wi-Fi scans. The gateway keeps each device's recent commands with
// their results: a device's neighbours are the managed APs whose BSSIDs its latest scan heard, or
// whose latest scan heard it (so a failed AP's neighbours are still known from before it failed).
// BSSIDs are matched to devices through their state reports. Kept five minutes, then rebuilt in the
// background with a few calls at a time (events' calls come first); the first read waits for it,
// built with all the calls it can make.
import type { Radio } from '../../../domain/regulatory';
import type { GatewayClient } from './client';
import { enc } from './devices';
import {
  checked,
  CommandListSchema,
  DevicesWithStatusSchema,
  ScanResultsSchema,
  StatisticsSchema,
} from './schemas';
import { RADIO_OF_BAND } from './ucentral';

/** Heard this loud or louder, another AP is an RF neighbour (802.11's preamble detection floor). */
export const NEIGHBOUR_SIGNAL_DBM = -82;
const FRESH_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

interface Graph {
  at: number;
  neighbours: Map<string, Set<string>>;
  /** BSSID (lower case) → the device and radio that serve it. */
  bssids: Map<string, { serialNumber: string; radio: Radio }>;
}

export class Topology {
  private graph?: Graph;
  private refreshing?: Promise<Graph>;

  constructor(private readonly gateway: GatewayClient) {}

  async neighboursOf(serialNumber: string): Promise<string[]> {
    return [...((await this.current()).neighbours.get(serialNumber) ?? [])].sort();
  }

  async deviceOfBssid(bssid: string): Promise<{ serialNumber: string; radio: Radio } | undefined> {
    return (await this.current()).bssids.get(bssid.toLowerCase());
  }

  async bssidOf(serialNumber: string, radio: Radio): Promise<string | undefined> {
    for (const [bssid, owner] of (await this.current()).bssids) {
      if (owner.serialNumber === serialNumber && owner.radio === radio) return bssid;
    }
    return undefined;
  }

  private async current(): Promise<Graph> {
    const graph = this.graph;
    if (graph && Date.now() - graph.at < FRESH_MS) return graph;
    this.refreshing ??= this.build(graph !== undefined)
      .then((g) => (this.graph = g))
      .finally(() => (this.refreshing = undefined));
    // A stale graph serves while the new one is built: neighbours change slowly.
    if (graph) {
      this.refreshing.catch(() => undefined);
      return graph;
    }
    return this.refreshing;
  }

  /** The first build has the calls to itself; a rebuild runs in the background lane. */
  private async build(background: boolean): Promise<Graph> {
    const get = (path: string, timeoutMs: number) =>
      background ? this.gateway.getInBackground(path, timeoutMs) : this.gateway.get(path, timeoutMs);
    const { devicesWithStatus } = checked(
      DevicesWithStatusSchema,
      await get('/devices?deviceWithStatus=true', TIMEOUT_MS),
      'GET /devices',
    );
    const serials = devicesWithStatus.map((d) => d.serialNumber);
    const bssids: Graph['bssids'] = new Map();
    const heardBy = new Map<string, string[]>();
    await Promise.all(
      serials.map(async (sn) => {
        const [stats, commands] = await Promise.all([
          get(`/device/${enc(sn)}/statistics?newest=true&limit=1`, TIMEOUT_MS),
          get(`/commands?serialNumber=${enc(sn)}&newest=true&limit=20`, TIMEOUT_MS),
        ]);
        const report = checked(StatisticsSchema, stats, `GET /device/${sn}/statistics`).data[0]?.data;
        for (const ssid of report?.interfaces.flatMap((i) => i.ssids) ?? []) {
          const radio = ssid.band === undefined ? undefined : RADIO_OF_BAND[ssid.band];
          if (ssid.bssid && radio) bssids.set(ssid.bssid.toLowerCase(), { serialNumber: sn, radio });
        }
        const scan = checked(CommandListSchema, commands, 'GET /commands').commands.find(
          (c) => c.command === 'wifiscan' && c.status === 'completed',
        );
        const results = scan && ScanResultsSchema.safeParse(scan.results);
        const heard = results?.success ? results.data.status.scan : [];
        heardBy.set(
          sn,
          heard.filter((e) => e.signal >= NEIGHBOUR_SIGNAL_DBM).map((e) => e.bssid.toLowerCase()),
        );
      }),
    );
    const neighbours: Graph['neighbours'] = new Map(serials.map((sn) => [sn, new Set<string>()]));
    for (const [listener, heard] of heardBy) {
      for (const bssid of heard) {
        const owner = bssids.get(bssid)?.serialNumber;
        if (!owner || owner === listener) continue;
        neighbours.get(listener)?.add(owner);
        neighbours.get(owner)?.add(listener);
      }
    }
    return { at: Date.now(), neighbours, bssids };
  }
}
