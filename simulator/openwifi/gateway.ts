// The simulator's OpenWiFi face: the simulated world as OpenWiFi's uCentral gateway (`owgw`) serves
// it, so the loop's OpenWiFi adapter can be driven and tested end to end. Device records, state
// reports, logs, capabilities, configure (with the gateway's UUID and the device's 0/1/2 answers),
// Wi-Fi scans and RRM actions. Sign-in is ./security.ts; injected failure modes ./faults.ts.
import { randomUUID } from 'node:crypto';
import { frequencyMhz, RADIOS, type Radio } from '../../domain/regulatory';
import { SimulatorError } from '../errors';
import type { ApState, ConfigChanges } from '../types';
import type { World } from '../world';
import { badRequest, notConnected, notFound } from './answers';
import { GatewayFaults, type GatewayFault } from './faults';
import { stateReportOf, wifiScanOf } from './reports';
import { OpenWifiSecurity, type OpenWifiCredentials } from './security';
import {
  capabilitiesOf,
  changeMarkOf,
  configuredRadios,
  ConfigurationSchema,
  configurationOf,
  macOf,
  type Configuration,
  type ConfiguredRadio,
} from './ucentral';

interface Command {
  UUID: string;
  serialNumber: string;
  command: string;
  details: Record<string, unknown>;
  results: Record<string, unknown>;
  errorCode: number;
  errorText: string;
  status: 'completed' | 'pending' | 'failed';
  submitted: number;
  executed: number;
  completed: number;
  executionTime: number;
}

const now = () => Math.floor(Date.now() / 1000);
/** Configuration UUIDs look like the gateway's (unix seconds) and grow with every change. */
const UUID_BASE = 1_765_000_000;
/** Scans and configure commands kept per device. */
const HISTORY = 20;
const WORLD_KEPT_MS = 1_000;
/** A radar is logged again while it lasts, as repeated detections are. */
const RADAR_LOG_EVERY_MS = 10_000;

export class OpenWifiGateway {
  private commands = new Map<string, Command[]>();
  private statistics = new Map<string, { data: Record<string, unknown>; UUID: number; recorded: number }[]>();
  private logs = new Map<
    string,
    { log: string; recorded: number; severity: number; data: string; logType: number; UUID: number }[]
  >();
  private lastRadarLog = new Map<string, number>();
  private pending = new Map<string, number>();
  private offline = new Set<string>();
  private thirdParty = new Map<string, unknown>();
  /** What the world shows, kept a second: reports and logs asked for at once share one look. */
  private readonly survey = keptFor(
    WORLD_KEPT_MS,
    (apId: string, radio: Radio) => this.world.scan(apId, radio).channels,
  );
  private readonly sensing = keptFor(WORLD_KEPT_MS, () => this.world.sensing());
  /** Test hooks: the gateway's failure modes, injected for the next calls. */
  readonly faults = new GatewayFaults();
  readonly security: OpenWifiSecurity;

  constructor(
    private readonly world: World,
    credentials: OpenWifiCredentials,
    /** How long an OAuth2 access token lives (owsec's default is 30 days). */
    tokenLifetimeS?: number,
  ) {
    this.security = new OpenWifiSecurity(credentials, tokenLifetimeS);
    // The gateway keeps the scans OpenWiFi's own RRM has run: each device's latest is on record.
    for (const ap of world.listAps()) if (this.connected(ap)) this.recordScan(ap.apId);
  }

  /** Test hook: the device loses the gateway (or comes back). */
  setOffline(apId: string, offline: boolean): void {
    this.world.apState(apId);
    if (offline) this.offline.add(apId);
    else this.offline.delete(apId);
  }

  status(): { faults: GatewayFault[]; offline: string[] } {
    return { faults: this.faults.pending(), offline: [...this.offline] };
  }

  private ap(serialNumber: string): ApState {
    try {
      return this.world.apState(serialNumber);
    } catch (err) {
      if (err instanceof SimulatorError && err.statusCode === 404) throw notFound();
      throw err;
    }
  }

  private knownAp(serialNumber: string): ApState[] {
    try {
      return [this.world.apState(serialNumber)];
    } catch {
      return [];
    }
  }

  private connected(ap: ApState): boolean {
    return ap.status === 'UP' && !this.offline.has(ap.apId);
  }

  /** The radios as the world has them, with the free sections the last configuration brought. */
  private configurationOf(ap: ApState, uuid: number): Configuration {
    const thirdParty = this.thirdParty.get(ap.apId);
    return { ...configurationOf(ap, uuid), ...(thirdParty ? { 'third-party': thirdParty } : {}) };
  }

  private uuidOf(ap: ApState): number {
    return UUID_BASE + ap.version;
  }

  deviceRecord(serialNumber: string): Record<string, unknown> {
    return this.recordOf(this.ap(serialNumber));
  }

  private recordOf(ap: ApState): Record<string, unknown> {
    if (this.connected(ap)) this.pending.delete(ap.apId);
    const pendingUUID = this.pending.get(ap.apId) ?? 0;
    return {
      serialNumber: ap.apId,
      deviceType: 'ap',
      macAddress: macOf(ap.apId),
      manufacturer: 'RRM simulator',
      UUID: this.uuidOf(ap),
      configuration: this.configurationOf(ap, this.uuidOf(ap)),
      compatible: 'rrm-simulator',
      firmware: 'rrm-simulator-1',
      pendingUUID,
      pendingConfiguration: pendingUUID ? JSON.stringify(this.configurationOf(ap, pendingUUID)) : '',
      lastConfigurationChange: this.uuidOf(ap),
      venue: '',
      location: `${ap.x},${ap.y}`,
      notes: [],
      simulated: false,
    };
  }

  deviceStatus(serialNumber: string): Record<string, unknown> {
    return this.statusOf(this.ap(serialNumber));
  }

  private statusOf(ap: ApState): Record<string, unknown> {
    if (!this.connected(ap)) return { serialNumber: ap.apId, connected: false };
    const count = (r: Radio) => ap.radios[r]?.clientCount ?? 0;
    return {
      serialNumber: ap.apId,
      connected: true,
      UUID: this.uuidOf(ap),
      firmware: 'rrm-simulator-1',
      lastContact: now(),
      associations_2G: count('2g'),
      associations_5G: count('5g'),
      associations_6G: count('6g'),
      sanity: 100,
      verifiedCertificate: 'SIMULATED',
    };
  }

  devices(withStatus: boolean, select?: string[]): Record<string, unknown> {
    // Each AP's state is read once; a selection reads only the devices it names (unknown ones: none).
    const aps = select ? select.flatMap((sn) => this.knownAp(sn)) : this.world.listAps();
    if (!withStatus) return { devices: aps.map((ap) => this.recordOf(ap)) };
    return { devicesWithStatus: aps.map((ap) => ({ ...this.recordOf(ap), ...this.statusOf(ap) })) };
  }

  capabilities(serialNumber: string): Record<string, unknown> {
    const ap = this.ap(serialNumber);
    return {
      serialNumber: ap.apId,
      capabilities: capabilitiesOf(ap),
      firstUpdate: UUID_BASE,
      lastUpdate: now(),
    };
  }

  /** `lastOnly`: the state the device just reported; otherwise the newest `limit` on record. */
  stateReports(serialNumber: string, lastOnly: boolean, limit: number): unknown {
    const ap = this.ap(serialNumber);
    if (this.connected(ap)) {
      const history = this.statistics.get(ap.apId) ?? [];
      history.unshift({
        data: stateReportOf(this.world, ap.apId, this.uuidOf(ap), this.survey),
        UUID: this.uuidOf(ap),
        recorded: now(),
      });
      this.statistics.set(ap.apId, history.slice(0, HISTORY));
    } else if (lastOnly) {
      throw notConnected();
    }
    const history = this.statistics.get(ap.apId) ?? [];
    if (lastOnly) return history[0]!.data;
    return { serialNumber: ap.apId, data: history.slice(0, limit) };
  }

  deviceLogs(serialNumber: string, limit: number, since: number): unknown {
    const ap = this.ap(serialNumber);
    if (this.connected(ap)) this.logRadar(ap);
    const values = (this.logs.get(ap.apId) ?? []).filter((l) => l.recorded >= since).slice(0, limit);
    return { serialNumber: ap.apId, values };
  }

  /** Radar the device's radio detects right now, logged as hostapd reports it (DFS-RADAR-DETECTED). */
  private logRadar(ap: ApState): void {
    const { apId } = ap;
    for (const d of this.sensing()) {
      if (d.kind !== 'radar' || d.apId !== apId) continue;
      const key = `${apId}/${d.channel}`;
      if (Date.now() - (this.lastRadarLog.get(key) ?? 0) < RADAR_LOG_EVERY_MS) continue;
      this.lastRadarLog.set(key, Date.now());
      const freq = frequencyMhz('5g', d.channel);
      const entry = {
        log: `DFS-RADAR-DETECTED freq=${freq} ht_enabled=1 chan_offset=0 chan_width=1 cf1=${freq} cf2=0`,
        recorded: now(),
        severity: 4,
        data: '',
        logType: 0,
        UUID: this.uuidOf(ap),
      };
      this.logs.set(apId, [entry, ...(this.logs.get(apId) ?? [])].slice(0, 100));
    }
  }

  commandList(serialNumber: string | undefined, limit: number): unknown {
    const all = serialNumber ? (this.commands.get(serialNumber) ?? []) : [...this.commands.values()].flat();
    return { commands: [...all].sort((a, b) => b.submitted - a.submitted).slice(0, limit) };
  }

  private record(command: Command): Command {
    this.commands.set(
      command.serialNumber,
      [command, ...(this.commands.get(command.serialNumber) ?? [])].slice(0, HISTORY),
    );
    return command;
  }

  private command(
    serialNumber: string,
    name: string,
    details: Record<string, unknown>,
    results: Record<string, unknown>,
    status: Command['status'],
  ): Command {
    const t = now();
    const error = Number((results.status as { error?: number } | undefined)?.error ?? 0);
    return {
      UUID: randomUUID(),
      serialNumber,
      command: name,
      details,
      results,
      errorCode: error,
      errorText: String((results.status as { text?: string } | undefined)?.text ?? ''),
      status,
      submitted: t,
      executed: t,
      completed: status === 'pending' ? 0 : t,
      executionTime: 1,
    };
  }

  private recordScan(serialNumber: string): Command {
    const scan = wifiScanOf(this.world, serialNumber);
    return this.record(
      this.command(
        serialNumber,
        'wifiscan',
        { serial: serialNumber, override_dfs: true, active: false },
        { serial: serialNumber, status: { error: 0, text: 'Success', resultCode: 1, scan } },
        'completed',
      ),
    );
  }

  private checkCommand(serialNumber: string, body: unknown): Record<string, unknown> {
    const b = body as Record<string, unknown> | undefined;
    if (!b || typeof b.serialNumber !== 'string') throw badRequest(1018, 'Missing or invalid parameters.');
    if (b.serialNumber !== serialNumber) throw badRequest(1030, 'Serial Number mismatch.');
    if (this.faults.take('device_busy')) {
      throw badRequest(
        1145,
        `Device is already executing a command. Please try later. (UUID=${randomUUID()} Command=configure)`,
      );
    }
    return b;
  }

  wifiScan(serialNumber: string, body: unknown): Command {
    const ap = this.ap(serialNumber);
    this.checkCommand(ap.apId, body);
    if (!this.connected(ap)) throw notConnected();
    return this.recordScan(ap.apId);
  }

  /** BSS transitions of clients to the APs owning the named BSSIDs; other actions the device does not model. */
  rrmActions(serialNumber: string, body: unknown): Record<string, unknown> {
    const ap = this.ap(serialNumber);
    const actions = (body as { actions?: unknown } | undefined)?.actions;
    if (!Array.isArray(actions)) throw badRequest(1018, 'Missing or invalid parameters.');
    if (!this.connected(ap)) throw notConnected();
    for (const a of actions as Record<string, unknown>[]) {
      if (a?.action !== 'bss_transition') throw badRequest(1192, 'Invalid RRM Action.');
      const target = this.apOfBssid((a.neighbors as string[] | undefined)?.[0]);
      if (typeof a.addr !== 'string' || !target) throw badRequest(1018, 'Missing or invalid parameters.');
      const radio = RADIOS.find(
        (r) => ap.radios[r] && this.world.clientViews(ap.apId, r).some((c) => c.clientId === a.addr),
      );
      if (!radio) continue; // the station is not (or no longer) associated: nothing to do, as on a device
      this.world.steer(ap.apId, radio, {
        changeId: `owgw-rrm-${randomUUID()}`,
        clientIds: [a.addr],
        targetApId: target,
      });
    }
    return { Code: 0, Operation: 'POST', Details: 'Command completed.' };
  }

  private apOfBssid(bssid: string | undefined): string | undefined {
    if (!bssid) return undefined;
    return this.world.listAps().find((ap) => RADIOS.some((r) => ap.radios[r] && macOf(ap.apId, r) === bssid))
      ?.apId;
  }

  configure(serialNumber: string, body: unknown): Command {
    const ap = this.ap(serialNumber);
    const b = this.checkCommand(ap.apId, body);
    if (b.UUID === undefined || b.configuration === undefined)
      throw badRequest(1018, 'Missing or invalid parameters.');
    let document: unknown = b.configuration;
    if (typeof document === 'string') {
      try {
        document = JSON.parse(document);
      } catch {
        throw badRequest(1008, 'Configuration block type invalid.');
      }
    }
    if (typeof document !== 'object' || document === null || !('uuid' in document)) {
      throw badRequest(1012, 'Record could not be updated.');
    }
    const parsed = ConfigurationSchema.safeParse(document);
    if (!parsed.success) {
      const context = parsed.error.issues.map((i) => ({
        context: [`/${i.path.join('/')}`],
        description: i.message,
      }));
      throw badRequest(1008, `Configuration block type invalid. (${JSON.stringify(context)})`);
    }
    return this.record(this.applyConfiguration(ap, parsed.data));
  }

  /** What the device does with a configuration: the radios' differences applied, its answer 0, 1 or 2. */
  private applyConfiguration(ap: ApState, config: Configuration): Command {
    const next = configuredRadios(config);
    // A configuration marked with the loop's change id is logged under it, so tests count from outside.
    const changeId = changeMarkOf(config) ?? `owgw-${randomUUID()}`;
    const current = configuredRadios(configurationOf(ap, this.uuidOf(ap)));
    const rejected: { parameter: string; reason: string; substitution?: unknown }[] = [];
    const substituted = this.faults.take('fields_rejected')?.fields ?? [];
    const refused = this.faults.take('configure_refused') !== undefined;
    const enabled = RADIOS.filter((r) => next[r]).map((r) => next[r]!.enabled ?? true);
    const admin = enabled.every(Boolean) ? 'UP' : enabled.some(Boolean) ? undefined : 'DOWN';
    let applied = 0;
    const answer = (error: 0 | 1 | 2, text: string, status: Command['status'] = 'completed') => {
      const after = this.world.apState(ap.apId);
      const uuid = error === 2 ? this.uuidOf(ap) : this.uuidOf(after);
      if (status === 'pending') this.pending.set(ap.apId, uuid);
      if (error !== 2 && config['third-party'] !== undefined)
        this.thirdParty.set(ap.apId, config['third-party']);
      return this.command(
        ap.apId,
        'configure',
        { serial: ap.apId, uuid, when: 0, config: { ...config, uuid } },
        { serial: ap.apId, uuid, status: { error, text, when: 0, ...(rejected.length ? { rejected } : {}) } },
        status,
      );
    };
    if (admin === undefined) {
      rejected.push({
        parameter: 'radios[].enable',
        reason: 'this device enables or disables all its radios together',
      });
      return answer(2, 'Configuration rejected.');
    }
    if (refused) return answer(2, 'Configuration rejected by the device.');
    if (admin !== ap.adminStatus) {
      // What the controller tells a device is its administrative state, reachable or not.
      const refusal = this.refusalOf(() =>
        this.world.setAdminStatus(ap.apId, {
          changeId,
          expectedVersion: this.world.apState(ap.apId).version,
          adminStatus: admin,
        }),
      );
      if (refusal) {
        rejected.push({ parameter: 'radios[].enable', reason: refusal.message });
        return answer(2, 'Configuration rejected.');
      }
      applied++;
    }
    if (!this.connected(ap)) return answer(0, 'Pending: the device is not connected.', 'pending');
    for (const [i, radio] of RADIOS.filter((r) => next[r]).entries()) {
      const changes = changesOf(current[radio], next[radio]!);
      for (const field of substituted) {
        const key = FIELD_OF_KEY[field];
        if (key && key in changes) {
          delete changes[key as keyof typeof changes];
          rejected.push({
            parameter: `radios[${i}].${field}`,
            reason: 'not supported by the radio',
            substitution: current[radio]?.[key],
          });
        }
      }
      if (Object.keys(changes).length === 0) continue;
      const refusal = this.refusalOf(() =>
        this.world.applyConfig(ap.apId, radio, {
          changeId,
          expectedVersion: this.world.apState(ap.apId).radios[radio]!.version,
          changes: changes as ConfigChanges,
        }),
      );
      if (!refusal) applied++;
      else {
        const field =
          refusal.details.field === 'changes.channel' || refusal.code === 'channel_unavailable'
            ? 'channel'
            : 'radio';
        rejected.push({ parameter: `radios[${i}].${field}`, reason: refusal.message });
      }
    }
    if (rejected.length === 0) return answer(0, 'Applied.');
    return applied > 0 ? answer(1, 'Applied with substitutions.') : answer(2, 'Configuration rejected.');
  }

  /** The device's refusal of a change (the simulator's 4xx), or none when it took it. */
  private refusalOf(change: () => unknown): SimulatorError | undefined {
    try {
      change();
      return undefined;
    } catch (err) {
      if (err instanceof SimulatorError && err.statusCode < 500) return err;
      throw err;
    }
  }
}

/** The simulator's field names by uCentral radio key. */
const FIELD_OF_KEY: Record<string, keyof ConfiguredRadio> = {
  channel: 'channel',
  'channel-width': 'width',
  'tx-power': 'txPowerDbm',
  'maximum-clients': 'admissionCap',
  'hostapd-iface-raw': 'obssPdDbm',
};

const RADIO_FIELDS = ['channel', 'width', 'txPowerDbm', 'obssPdDbm', 'admissionCap'] as const;

/** The fields of `next` that differ from `current`. */
function changesOf(
  current: Partial<ConfiguredRadio> | undefined,
  next: Partial<ConfiguredRadio>,
): Partial<Record<(typeof RADIO_FIELDS)[number], number | null>> {
  const out: Partial<Record<(typeof RADIO_FIELDS)[number], number | null>> = {};
  for (const f of RADIO_FIELDS) {
    if (next[f] !== undefined && next[f] !== current?.[f]) out[f] = next[f] as number | null;
  }
  return out;
}

/** `load`'s answer for a key, kept `ms` after it was made. */
function keptFor<K extends unknown[], T>(ms: number, load: (...key: K) => T): (...key: K) => T {
  const kept = new Map<string, { at: number; value: T }>();
  return (...key) => {
    const id = key.join('/');
    const entry = kept.get(id);
    if (entry && Date.now() - entry.at < ms) return entry.value;
    const value = load(...key);
    kept.set(id, { at: Date.now(), value });
    return value;
  };
}
