// The controller port over TIP OpenWiFi's uCentral gateway (owgw REST): reads from the device record
// and its state reports, scans with `wifiscan`, changes as a read-modify-write of the device's
// configuration through `configure`, steering with the `rrm` BSS transition action.
// docs/controllers.md maps every need of the loop and says what OpenWiFi cannot tell it.
import type { OpenWifiControllerSettings } from '../../../config/controller';
import type { ControllerStep } from '../../../domain/controller-steps';
import type { Detection } from '../../../domain/detections';
import { changedParams, type ApSnapshot, type RadioConfig } from '../../../domain/radio';
import { bondedSubchannels, channelOfFrequency, RADIOS, type Radio } from '../../../domain/regulatory';
import { ControllerError, type ControllerPort, type StepResult } from '../port';
import { GatewayClient, GatewayRefusal } from './client';
import {
  checked,
  CommandSchema,
  ConfigurationSchema,
  ConfigureResultsSchema,
  DeviceLogsSchema,
  DeviceSchema,
  DevicesWithStatusSchema,
  ScanResultsSchema,
  StateSchema,
  StatisticsSchema,
  StatusSchema,
  type Configuration,
  type Device,
  type State,
} from './schemas';
import { Topology } from './topology';
import {
  adminStatusOf,
  associationsOf,
  clientsOf,
  intervalOf,
  KEY_OF_PARAM,
  marked,
  markOf,
  observationsOf,
  radioConfigOf,
  radiosOf,
  radioStatesOf,
  regulatoryDomainOf,
  sampleOf,
  withAdminStatus,
  withRadioSettings,
} from './ucentral';

/** Per call: reads answer from the gateway's store; a configure waits for the device's answer. */
const READ_TIMEOUT_MS = 2_000;
const CONFIGURE_TIMEOUT_MS = 2_500;
const SCAN_TIMEOUT_MS = 4_000;
const LISTING_TIMEOUT_MS = 5_000;
/** Radar the device logged this recently is radar now (hostapd logs each detection). */
const RADAR_RECENT_S = 30;
const DEVICE_NOT_CONNECTED = 1033;
/** Why this adapter cannot steer (docs/controllers.md). */
const NO_STEERING =
  "OpenWiFi's gateway reports no client's view of other APs: 802.11k beacon reports travel on its telemetry stream";

const enc = encodeURIComponent;
const RADAR_LINE = /^DFS-RADAR-DETECTED\b.*\bfreq=(\d+)/;

/** The gateway's refusals in the loop's terms, for calls about `apId`. */
function translated(err: unknown, apId?: string): unknown {
  if (!(err instanceof GatewayRefusal)) return err;
  if (err.status === 404 && apId) {
    return new ControllerError('UnknownAp', `the OpenWiFi gateway does not know device ${apId}`, { apId });
  }
  // An offline device comes back: the activity's retries wait for it.
  if (err.code === DEVICE_NOT_CONNECTED) return new Error(err.message);
  return new ControllerError('ControllerRefused', err.message, { status: err.status, code: err.code });
}

/** A configure's outcome as the device answered it. */
type Configured =
  | { kind: 'pending'; uuid?: number }
  | {
      kind: 'answered';
      error: number;
      uuid?: number;
      text?: string;
      rejected: { parameter: string; reason?: string }[];
    };

export function createOpenWifiController(settings: OpenWifiControllerSettings): ControllerPort {
  const gateway = new GatewayClient(settings);
  const topology = new Topology(gateway);

  const device = async (apId: string): Promise<Device> =>
    checked(DeviceSchema, await gateway.get(`/device/${enc(apId)}`, READ_TIMEOUT_MS), `GET /device/${apId}`);
  const connected = async (apId: string): Promise<boolean> =>
    checked(
      StatusSchema,
      await gateway.get(`/device/${enc(apId)}/status`, READ_TIMEOUT_MS),
      `GET /device/${apId}/status`,
    ).connected;
  const lastState = async (apId: string): Promise<State> =>
    checked(
      StateSchema,
      await gateway.get(`/device/${enc(apId)}/statistics?lastOnly=true`, READ_TIMEOUT_MS),
      `GET /device/${apId}/statistics`,
    );
  /** What the gateway will have the device run: its pending configuration, else its current one. */
  const intended = (d: Device): Configuration => {
    if (!d.pendingUUID || !d.pendingConfiguration) return d.configuration;
    return checked(ConfigurationSchema, JSON.parse(d.pendingConfiguration), 'pendingConfiguration');
  };

  async function configure(apId: string, config: Configuration): Promise<Configured> {
    const body = { serialNumber: apId, UUID: config.uuid ?? 0, configuration: JSON.stringify(config) };
    const command = checked(
      CommandSchema,
      await gateway.post(`/device/${enc(apId)}/configure`, body, CONFIGURE_TIMEOUT_MS),
      `POST /device/${apId}/configure`,
    );
    const results = command.results;
    if (command.status === 'pending') return { kind: 'pending', uuid: (results as { uuid?: number }).uuid };
    const answer = checked(ConfigureResultsSchema, results, `POST /device/${apId}/configure results`);
    const { error, text, rejected } = answer.status;
    return { kind: 'answered', error, uuid: answer.uuid, text, rejected };
  }

  /** The radio step as a read-modify-write of the device's configuration, guarded by its UUID. */
  async function applyRadio(
    step: Extract<ControllerStep, { kind: 'radio' }>,
    changeId: string,
    expectedVersion: number,
  ): Promise<StepResult> {
    const [d, online] = await Promise.all([device(step.apId), connected(step.apId)]);
    const entry = radiosOf(d.configuration)[step.radio];
    if (!entry)
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} has no ${step.radio} radio configured`,
      );
    const current = radioConfigOf(entry.radio);
    const changing = changedParams(current, step.target);
    // A retry after the change went through finds it in place (its own mark, or the settings it
    // sets): reported, not applied again.
    if (changing.length === 0 || markOf(d.configuration) === changeId)
      return { version: d.UUID, duplicate: true };
    if (d.UUID !== expectedVersion) {
      throw new ControllerError(
        'VersionConflict',
        `device ${step.apId}: configuration UUID ${d.UUID}, the change was planned on ${expectedVersion}`,
        { expectedVersion, version: d.UUID },
      );
    }
    if (!online) {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} is not connected to the gateway: not configured`,
      );
    }
    const answer = await configure(
      step.apId,
      marked(withRadioSettings(d.configuration, entry.index, step.target), changeId),
    );
    if (answer.kind === 'pending') {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} did not confirm the configuration (pending at the gateway)`,
      );
    }
    const keys = changing.map((p) => KEY_OF_PARAM[p]);
    const ours = answer.rejected.filter((r) => concerns(r.parameter, entry.index, keys));
    const why = ours.map((r) => `${r.parameter}${r.reason ? `: ${r.reason}` : ''}`).join('; ');
    if (answer.error === 0 || (answer.error === 1 && ours.length === 0)) {
      return { version: answer.uuid ?? (await device(step.apId)).UUID, duplicate: false };
    }
    if (answer.error === 1) {
      // Applied with our own fields substituted: put the radio back as it was, then say so.
      const restored = await restore(step.apId, entry.index, current, changing, `${changeId}:restore`);
      throw new ControllerError('ControllerRefused', `device ${step.apId} substituted ${why}; ${restored}`, {
        rejected: ours,
      });
    }
    if (
      ours.some((r) => /channel/.test(r.parameter) && /radar|dfs|non-occupancy|cac/i.test(r.reason ?? ''))
    ) {
      const { channel = current.channel, width = current.width } = step.target;
      const radarChannels = bondedSubchannels(
        step.radio,
        channel,
        width,
        regulatoryDomainOf(d.configuration),
      );
      throw new ControllerError('ChannelUnavailable', `device ${step.apId} refused the channel: ${why}`, {
        radarChannels,
      });
    }
    throw new ControllerError(
      'ControllerRefused',
      `device ${step.apId} refused the configuration${why ? `: ${why}` : answer.text ? `: ${answer.text}` : ''}`,
      { rejected: answer.rejected },
    );
  }

  async function restore(
    apId: string,
    index: number,
    was: RadioConfig,
    params: (keyof RadioConfig)[],
    changeId: string,
  ): Promise<string> {
    try {
      const now = await device(apId);
      const back = Object.fromEntries(params.map((p) => [p, was[p]])) as Partial<RadioConfig>;
      const answer = await configure(
        apId,
        marked(withRadioSettings(now.configuration, index, back), changeId),
      );
      return answer.kind === 'answered' && answer.error === 0
        ? 'restored its previous settings'
        : 'restoring its previous settings was not confirmed';
    } catch (err) {
      return `restoring its previous settings failed: ${(err as Error).message}`;
    }
  }

  async function applyAdmin(
    step: Extract<ControllerStep, { kind: 'admin' }>,
    changeId: string,
    expectedVersion: number,
  ): Promise<StepResult> {
    const d = await device(step.apId);
    if (adminStatusOf(intended(d)) === step.to || markOf(intended(d)) === changeId) {
      return { version: d.UUID, duplicate: true };
    }
    if (d.UUID !== expectedVersion) {
      throw new ControllerError(
        'VersionConflict',
        `device ${step.apId}: configuration UUID ${d.UUID}, expected ${expectedVersion}`,
        {
          expectedVersion,
          version: d.UUID,
        },
      );
    }
    // A failed AP is offline: the gateway keeps the change pending and delivers it when the AP is back.
    const answer = await configure(step.apId, marked(withAdminStatus(d.configuration, step.to), changeId));
    if (answer.kind === 'answered' && answer.error !== 0) {
      throw new ControllerError(
        'ControllerRefused',
        `device ${step.apId} refused to set its radios ${step.to}: ${answer.text ?? ''}`,
        {
          rejected: answer.rejected,
        },
      );
    }
    return { version: answer.uuid ?? (await device(step.apId)).UUID, duplicate: false };
  }

  async function steer(step: Extract<ControllerStep, { kind: 'steer' }>): Promise<StepResult> {
    const bssid = await topology.bssidOf(step.targetApId, step.radio);
    if (!bssid)
      throw new ControllerError('ControllerRefused', `no ${step.radio} BSSID known for ${step.targetApId}`);
    const associated = (s: State) => new Set(associationsOf(s, step.radio).map((a) => a.station));
    const before = associated(await lastState(step.apId));
    const clients = step.clientIds.filter((c) => before.has(c));
    if (clients.length === 0) return { steered: [], duplicate: true };
    const actions = clients.map((addr) => ({ action: 'bss_transition', addr, neighbors: [bssid] }));
    await gateway.post(`/device/${enc(step.apId)}/rrm`, { actions }, READ_TIMEOUT_MS);
    // The action is fire-and-forget: who left is read back from the device, not assumed.
    const after = associated(await lastState(step.apId));
    return { steered: clients.filter((c) => !after.has(c)), duplicate: false };
  }

  const about =
    <A extends [string, ...unknown[]], R>(work: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      work(...args).catch((err: unknown) => {
        throw translated(err, args[0]);
      });

  return {
    readAp: about(async (apId: string): Promise<ApSnapshot> => {
      const [d, online, neighbors] = await Promise.all([
        device(apId),
        connected(apId),
        topology.neighboursOf(apId),
      ]);
      // A device that dropped off between the two reads has no state to give: read as offline.
      const state = online
        ? await lastState(apId).catch((err: unknown) => {
            if (err instanceof GatewayRefusal && err.code === DEVICE_NOT_CONNECTED) return undefined;
            throw err;
          })
        : undefined;
      return {
        apId,
        regulatoryDomain: regulatoryDomainOf(d.configuration),
        version: d.UUID,
        status: online ? 'UP' : 'DOWN',
        adminStatus: adminStatusOf(intended(d)),
        neighbors,
        radios: radioStatesOf(d.configuration, state),
        limits: { steering: NO_STEERING },
      };
    }),

    scanChannels: about(async (apId: string, radio: Radio) => {
      const [command, devices, state] = await Promise.all([
        gateway.post(
          `/device/${enc(apId)}/wifiscan`,
          { serialNumber: apId, override_dfs: true },
          SCAN_TIMEOUT_MS,
        ),
        gateway.get('/devices?deviceWithStatus=true', LISTING_TIMEOUT_MS),
        lastState(apId),
      ]);
      const scan = checked(CommandSchema, command, `POST /device/${apId}/wifiscan`);
      if (scan.status !== 'completed' || (scan.errorCode ?? 0) !== 0) {
        throw new Error(
          `device ${apId}: Wi-Fi scan ${scan.status}${scan.errorText ? `: ${scan.errorText}` : ''}`,
        );
      }
      const entries = checked(ScanResultsSchema, scan.results, `POST /device/${apId}/wifiscan results`).status
        .scan;
      const configs = new Map(
        checked(DevicesWithStatusSchema, devices, 'GET /devices').devicesWithStatus.map((x) => [
          x.serialNumber,
          x.configuration,
        ]),
      );
      const own = configs.get(apId);
      if (!own)
        throw new ControllerError('UnknownAp', `the OpenWiFi gateway does not list device ${apId}`, { apId });
      const heard = await Promise.all(
        entries.map(async (entry) => {
          const owner = await topology.deviceOfBssid(entry.bssid);
          const config = owner && configs.get(owner.serialNumber);
          const theirs = config && radiosOf(config)[owner.radio];
          if (!theirs) return { entry };
          const settings = radioConfigOf(theirs.radio);
          return { entry, managed: { channel: settings.channel, width: settings.width } };
        }),
      );
      return observationsOf(radio, regulatoryDomainOf(own), heard, state);
    }),

    readClients: about(async (apId: string, radio: Radio) => clientsOf(await lastState(apId), radio)),

    sampleRadio: about(async (apId: string, radio: Radio) => {
      const [d, online, stats] = await Promise.all([
        device(apId),
        connected(apId),
        gateway.get(`/device/${enc(apId)}/statistics?newest=true&limit=2`, READ_TIMEOUT_MS),
      ]);
      if (!online) throw new Error(`device ${apId} is not connected to the gateway: no state to sample`);
      const [newest, previous] = checked(StatisticsSchema, stats, `GET /device/${apId}/statistics`).data;
      if (!newest) throw new Error(`device ${apId} has reported no state yet`);
      return sampleOf(newest.data, previous?.data, radio, intervalOf(d.configuration));
    }),

    applyStep: ({ step, changeId, expectedVersion }) =>
      (step.kind === 'radio'
        ? applyRadio(step, changeId, expectedVersion)
        : step.kind === 'admin'
          ? applyAdmin(step, changeId, expectedVersion)
          : steer(step)
      ).catch((err: unknown) => {
        throw translated(err, step.apId);
      }),

    async listAps() {
      const { devicesWithStatus } = checked(
        DevicesWithStatusSchema,
        await gateway.get('/devices?deviceWithStatus=true', LISTING_TIMEOUT_MS),
        'GET /devices',
      );
      return devicesWithStatus.map((d) => {
        const counts = d as unknown as Record<string, number | undefined>;
        const radios = radiosOf(d.configuration);
        return {
          apId: d.serialNumber,
          status: d.connected ? 'UP' : 'DOWN',
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

    async readDetections() {
      const { devicesWithStatus } = checked(
        DevicesWithStatusSchema,
        await gateway.get('/devices?deviceWithStatus=true', LISTING_TIMEOUT_MS),
        'GET /devices',
      );
      const since = Math.floor(Date.now() / 1000) - RADAR_RECENT_S;
      const perDevice = await Promise.all(
        devicesWithStatus.map(async (d): Promise<Detection[]> => {
          if (!d.connected) {
            return [
              {
                kind: 'hw_failure',
                apId: d.serialNumber,
                component: 'gateway-connection',
                detail: 'the device is not connected to the gateway',
              },
            ];
          }
          const logs = checked(
            DeviceLogsSchema,
            await gateway.get(
              `/device/${enc(d.serialNumber)}/logs?newest=true&limit=50&startDate=${since}`,
              LISTING_TIMEOUT_MS,
            ),
            `GET /device/${d.serialNumber}/logs`,
          );
          const channels = new Set<number>();
          for (const { log, recorded } of logs.values) {
            const freq = recorded >= since ? RADAR_LINE.exec(log)?.[1] : undefined;
            const at = freq === undefined ? undefined : channelOfFrequency(Number(freq));
            if (at?.radio === '5g') channels.add(at.channel);
          }
          return [...channels].map((channel) => ({
            kind: 'radar',
            apId: d.serialNumber,
            radio: '5g',
            channel,
          }));
        }),
      );
      return perDevice.flat();
    },
  };
}

/** Whether a device's rejection names one of `keys` of the radio at `index` (not another radio's). */
function concerns(parameter: string, index: number, keys: string[]): boolean {
  const radio = /radios\[(\d+)\]/.exec(parameter)?.[1];
  if (radio !== undefined && Number(radio) !== index) return false;
  return keys.some((k) => parameter.includes(k));
}
