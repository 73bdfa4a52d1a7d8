// The controller port over TIP OpenWiFi's uCentral gateway (owgw REST): reads from the device record
// and its state reports, scans with `wifiscan`, changes through `configure` (./writes.ts), the
// sensing view from device logs (./sensing.ts). docs/controllers.md maps every need of the loop and
// says what OpenWiFi cannot tell it.
import type { OpenWifiControllerSettings } from '../../../config/controller';
import type { ApSnapshot } from '../../../domain/radio';
import { RADIOS, type Radio } from '../../../domain/regulatory';
import { ControllerError, type ControllerPort } from '../port';
import { GatewayClient } from './client';
import { Devices, enc, intendedConfiguration, translated } from './devices';
import { readDetections } from './sensing';
import { checked, CommandSchema, ScanResultsSchema } from './schemas';
import { Topology } from './topology';
import {
  adminStatusOf,
  changeMarkOf,
  clientsOf,
  intervalOf,
  observationsOf,
  radioConfigOf,
  radiosOf,
  radioStatesOf,
  regulatoryDomainOf,
  sampleOf,
} from './ucentral';
import { createStepWriter } from './writes';

/** A scan takes the device's radios off their channels for a moment: it gets longer. */
const SCAN_TIMEOUT_MS = 4_000;
/** Why this adapter cannot steer (docs/controllers.md). */
const NO_STEERING =
  "OpenWiFi's gateway reports no client's view of other APs: 802.11k beacon reports travel on its telemetry stream";

/** Calls about one AP, their refusals said in the loop's terms. */
const about =
  <A extends [string, ...unknown[]], R>(work: (...args: A) => Promise<R>) =>
  (...args: A): Promise<R> =>
    work(...args).catch((err: unknown) => {
      throw translated(err, args[0]);
    });

export function createOpenWifiController(settings: OpenWifiControllerSettings): ControllerPort {
  const devices = new Devices(new GatewayClient(settings));
  const topology = new Topology(devices.gateway);

  return {
    changeOf: about(async (apId: string, changeId: string) => {
      const d = await devices.record(apId);
      const mark = changeMarkOf(d.configuration);
      if (mark?.changeId !== changeId || !mark.radio || !mark.from) return undefined;
      const entry = radiosOf(d.configuration)[mark.radio];
      return entry && { radio: mark.radio, from: mark.from, to: radioConfigOf(entry.radio) };
    }),

    readAp: about(async (apId: string): Promise<ApSnapshot> => {
      // A device the gateway cannot reach has no state report to give: it reads as DOWN.
      const [d, state, neighbors] = await Promise.all([
        devices.record(apId),
        devices.lastStateIfConnected(apId),
        topology.neighboursOf(apId),
      ]);
      return {
        apId,
        regulatoryDomain: regulatoryDomainOf(d.configuration),
        version: d.UUID,
        status: state ? 'UP' : 'DOWN',
        adminStatus: adminStatusOf(intendedConfiguration(d)),
        neighbors,
        radios: radioStatesOf(d.configuration, state),
        limits: { steering: NO_STEERING },
      };
    }),

    scanChannels: about(async (apId: string, radio: Radio) => {
      const [command, state] = await Promise.all([
        devices.gateway.post(
          `/device/${enc(apId)}/wifiscan`,
          { serialNumber: apId, override_dfs: true },
          SCAN_TIMEOUT_MS,
        ),
        devices.lastState(apId),
      ]);
      const scan = checked(CommandSchema, command, `POST /device/${apId}/wifiscan`);
      if (scan.status !== 'completed' || (scan.errorCode ?? 0) !== 0) {
        throw new Error(
          `device ${apId}: Wi-Fi scan ${scan.status}${scan.errorText ? `: ${scan.errorText}` : ''}`,
        );
      }
      const entries = checked(ScanResultsSchema, scan.results, `POST /device/${apId}/wifiscan results`).status
        .scan;
      // A BSS of a managed neighbour counts on every channel its configured width covers: the
      // configurations of the devices heard (and this one's) are read in one call.
      const owners = await Promise.all(entries.map((entry) => topology.deviceOfBssid(entry.bssid)));
      const serials = [...new Set([apId, ...owners.flatMap((o) => (o ? [o.serialNumber] : []))])];
      const configs = new Map((await devices.list(serials)).map((x) => [x.serialNumber, x.configuration]));
      const own = configs.get(apId);
      if (!own)
        throw new ControllerError('UnknownAp', `the OpenWiFi gateway does not list device ${apId}`, { apId });
      const heard = entries.map((entry, i) => {
        const owner = owners[i];
        const theirs = owner && radiosOf(configs.get(owner.serialNumber) ?? { radios: [] })[owner.radio];
        if (!theirs) return { entry };
        const { channel, width } = radioConfigOf(theirs.radio);
        return { entry, managed: { channel, width } };
      });
      return observationsOf(radio, regulatoryDomainOf(own), heard, state);
    }),

    readClients: about(async (apId: string, radio: Radio) => clientsOf(await devices.lastState(apId), radio)),

    sampleRadio: about(async (apId: string, radio: Radio) => {
      const [d, online, [newest, previous]] = await Promise.all([
        devices.record(apId),
        devices.connected(apId),
        devices.stateReports(apId, 2),
      ]);
      if (!online) throw new Error(`device ${apId} is not connected to the gateway: no state to sample`);
      if (!newest) throw new Error(`device ${apId} has reported no state yet`);
      return sampleOf(newest, previous, radio, intervalOf(d.configuration));
    }),

    applyStep: createStepWriter(devices, topology),

    async listAps() {
      const listed = await devices.list();
      // The graph of the latest scans (built once, shared): OpenWiFi knows no floor plan.
      const neighbours = await Promise.all(listed.map((d) => topology.neighboursOf(d.serialNumber)));
      return listed.map((d, i) => {
        const counts = d as unknown as Record<string, number | undefined>;
        const radios = radiosOf(d.configuration);
        return {
          apId: d.serialNumber,
          status: d.connected ? 'UP' : 'DOWN',
          neighbors: neighbours[i],
          regulatoryDomain: regulatoryDomainOf(d.configuration),
          radios: Object.fromEntries(
            RADIOS.filter((r) => radios[r]).map((r) => {
              const { channel, width, txPowerDbm } = radioConfigOf(radios[r]!.radio);
              const clientCount = d.connected ? (counts[`associations_${r.toUpperCase()}`] ?? 0) : 0;
              return [r, { channel, width, txPowerDbm, clientCount }];
            }),
          ),
        };
      });
    },

    readDetections: () => readDetections(devices),
  };
}
