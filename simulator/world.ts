// The simulated world and its controller: state, configuration changes (idempotent by change
// id, compare-and-set by version), the change log and the scenario injections.
import {
  OBSS_PD_MIN_DBM,
  RADIOS,
  channelsOfBand,
  isDfsChannel,
  isPermitted,
  type Radio,
  type RegulatoryDomain,
} from '../domain/regulatory';
import { planRadioChange } from './config-change';
import { SimulatorError, notFound, unprocessable } from './errors';
import { detections, neighborsOf, scanChannels } from './observations';
import { populateRadio, surgeClients } from './population';
import { rngFor } from './random';
import { associatedClients, radioFigures, type RfEnvironment } from './rf-model';
import type {
  Ap,
  ApState,
  ApStatus,
  ChangeRecord,
  Client,
  ConfigRequest,
  ConfigResult,
  ControllerFaultMode,
  Detection,
  Interferer,
  RadioConfig,
  RadioMetrics,
  RadioState,
  ScanResult,
  ScenarioDefinition,
} from './types';

export interface WorldOptions {
  seed?: number;
  /** Default: the scenario's, else US. */
  regulatoryDomain?: RegulatoryDomain;
  scenario: ScenarioDefinition;
  /** Time source for `sampledAt` / `appliedAt` (tests may pin it). */
  clock?: () => Date;
}

interface ControllerFault {
  mode: ControllerFaultMode;
  remaining: number;
}

export class World {
  readonly seed: number;
  readonly regulatoryDomain: RegulatoryDomain;
  readonly scenario: ScenarioDefinition;
  private readonly clock: () => Date;

  private aps: Ap[] = [];
  private clients: Client[] = [];
  private interferers = new Map<string, Interferer>();
  private radarChannels = new Set<number>();
  private changeLog = new Map<string, ChangeRecord[]>();
  /** Applied changes by change id: a replay returns the original response. */
  private applied = new Map<string, ConfigResult>();
  private fault: ControllerFault | null = null;
  /** Samples taken per radio: the noise of sample n depends only on seed, radio and n. */
  private samples = new Map<string, number>();

  constructor(opts: WorldOptions) {
    this.seed = opts.seed ?? 1;
    this.scenario = opts.scenario;
    this.regulatoryDomain = opts.regulatoryDomain ?? opts.scenario.regulatoryDomain ?? 'US';
    this.clock = opts.clock ?? (() => new Date());
    validateScenario(this.scenario, this.regulatoryDomain);
    this.reset();
  }

  /** Back to the seeded initial world: plan, clients, interferers; no radar, faults or history. */
  reset(): void {
    const domain = this.regulatoryDomain;
    this.aps = this.scenario.aps.map((spec) => ({
      apId: spec.apId,
      status: spec.status ?? 'UP',
      version: 1,
      x: spec.x,
      y: spec.y,
      radios: Object.fromEntries(
        Object.entries(spec.radios).map(([radio, r]) => [
          radio,
          {
            band: radio as Radio,
            channel: r.channel,
            width: r.width,
            txPowerDbm: r.txPowerDbm,
            obssPdDbm: r.obssPdDbm ?? OBSS_PD_MIN_DBM,
          } satisfies RadioConfig,
        ]),
      ),
    }));
    this.clients = this.scenario.aps.flatMap((spec, index) =>
      RADIOS.flatMap((radio) => {
        const r = spec.radios[radio];
        const config = this.aps[index].radios[radio];
        return r && config ? populateRadio(this.seed, index + 1, spec, radio, config, domain, r.clients) : [];
      }),
    );
    this.interferers = new Map(
      (this.scenario.interferers ?? []).map((i) => [
        i.interfererId,
        { ...i, channels: [...i.channels], on: i.on ?? false },
      ]),
    );
    this.radarChannels = new Set();
    this.changeLog = new Map();
    this.applied = new Map();
    this.fault = null;
    this.samples = new Map();
  }

  get environment(): RfEnvironment {
    return {
      regulatoryDomain: this.regulatoryDomain,
      aps: this.aps,
      clients: this.clients,
      interferers: [...this.interferers.values()],
      radarChannels: this.radarChannels,
    };
  }

  listAps(): ApState[] {
    return this.aps.map((ap) => this.stateOf(ap));
  }

  apState(apId: string): ApState {
    return this.stateOf(this.ap(apId));
  }

  metrics(apId: string, radio: Radio): RadioMetrics {
    const ap = this.upAp(apId);
    const config = this.radioOf(ap, radio);
    const key = `${apId}/${radio}`;
    const n = (this.samples.get(key) ?? 0) + 1;
    this.samples.set(key, n);
    const figures = radioFigures(this.environment, ap, radio, rngFor(this.seed, 'sample', key, n));
    return {
      apId,
      radio,
      sampledAt: this.clock().toISOString(),
      channel: config.channel,
      width: config.width,
      ...figures,
    };
  }

  scan(apId: string, radio: Radio): ScanResult {
    const ap = this.upAp(apId);
    this.radioOf(ap, radio);
    return {
      apId,
      radio,
      regulatoryDomain: this.regulatoryDomain,
      channels: scanChannels(this.environment, ap, radio),
    };
  }

  sensing(): Detection[] {
    return detections(this.environment);
  }

  changes(apId: string): ChangeRecord[] {
    this.ap(apId);
    return [...(this.changeLog.get(apId) ?? [])];
  }

  applyConfig(apId: string, radio: Radio, request: ConfigRequest): ConfigResult {
    this.consumeFault();
    const ap = this.ap(apId);
    const config = this.radioOf(ap, radio);

    const earlier = this.applied.get(request.changeId);
    if (earlier) {
      if (earlier.apId !== apId || earlier.radio !== radio) {
        throw new SimulatorError(
          409,
          'change_id_conflict',
          `changeId: ${request.changeId} was already applied to ${earlier.apId}/${earlier.radio}`,
        );
      }
      return { ...earlier, duplicate: true };
    }
    if (ap.status !== 'UP') throw apDown(apId);
    if (request.expectedVersion !== ap.version) {
      throw new SimulatorError(
        409,
        'version_conflict',
        `expectedVersion: ${request.expectedVersion} does not match the current version ${ap.version}`,
        { currentVersion: ap.version },
      );
    }
    const plan = planRadioChange(config, request.changes, this.regulatoryDomain, this.radarChannels);
    if (!plan.ok) throw plan.error;

    const previous = this.radioState(ap, radio);
    ap.radios[radio] = plan.next;
    ap.version += 1;
    const result: ConfigResult = {
      apId,
      radio,
      changeId: request.changeId,
      version: ap.version,
      duplicate: false,
      previous,
      current: this.radioState(ap, radio),
      appliedAt: this.clock().toISOString(),
    };
    this.applied.set(request.changeId, result);
    const log = this.changeLog.get(apId) ?? [];
    log.push({
      changeId: result.changeId,
      radio,
      appliedAt: result.appliedAt,
      previous: result.previous,
      current: result.current,
      version: result.version,
    });
    this.changeLog.set(apId, log);
    return result;
  }

  injectRadar(channel: number): number[] {
    if (!isDfsChannel('5g', channel, this.regulatoryDomain)) {
      throw unprocessable(
        'invalid_channel',
        'channel',
        `${channel} is not a 5g DFS channel in ${this.regulatoryDomain}`,
      );
    }
    this.radarChannels.add(channel);
    return this.radarList();
  }

  clearRadar(channel: number): number[] {
    this.radarChannels.delete(channel);
    return this.radarList();
  }

  radarList(): number[] {
    return [...this.radarChannels].sort((a, b) => a - b);
  }

  switchOnInterferer(spec: Omit<Interferer, 'on'>): Interferer {
    const band = channelsOfBand(spec.radio, this.regulatoryDomain);
    const outside = spec.channels.filter((c) => !band.includes(c));
    if (outside.length > 0) {
      throw unprocessable(
        'invalid_channel',
        'channels',
        `${outside.join(', ')} not in the ${spec.radio} band in ${this.regulatoryDomain}`,
      );
    }
    const interferer: Interferer = { ...spec, channels: [...spec.channels], on: true };
    this.interferers.set(spec.interfererId, interferer);
    return { ...interferer };
  }

  /** A known interferer (from the scenario or an earlier injection), switched back on. */
  knownInterferer(interfererId: string): Interferer | undefined {
    const i = this.interferers.get(interfererId);
    return i && { ...i, channels: [...i.channels] };
  }

  switchOffInterferer(interfererId: string): Interferer {
    const interferer = this.interferers.get(interfererId);
    if (!interferer) throw notFound(`interfererId: ${interfererId} is not known`);
    interferer.on = false;
    return { ...interferer };
  }

  listInterferers(): Interferer[] {
    return [...this.interferers.values()].map((i) => ({ ...i, channels: [...i.channels] }));
  }

  setControllerFault(mode: ControllerFaultMode, count: number): void {
    this.fault = count > 0 ? { mode, remaining: count } : null;
  }

  controllerFault(): { mode: ControllerFaultMode; remaining: number } | null {
    return this.fault && { ...this.fault };
  }

  clearControllerFault(): void {
    this.fault = null;
  }

  setApStatus(apId: string, status: ApStatus): ApState {
    const ap = this.ap(apId);
    ap.status = status;
    return this.stateOf(ap);
  }

  /** A density spike: `count` extra clients associate to the radio. */
  surge(apId: string, radio: Radio, count: number): RadioState {
    const ap = this.ap(apId);
    this.radioOf(ap, radio);
    const index = this.aps.indexOf(ap);
    const already = this.clients.filter((c) => c.surge && c.apId === apId && c.radio === radio).length;
    this.clients.push(...surgeClients(this.seed, index + 1, this.scenario.aps[index], radio, already, count));
    return this.radioState(ap, radio);
  }

  clearSurges(): void {
    this.clients = this.clients.filter((c) => !c.surge);
  }

  private consumeFault(): void {
    if (!this.fault) return;
    const { mode } = this.fault;
    this.fault.remaining -= 1;
    if (this.fault.remaining <= 0) this.fault = null;
    if (mode === 'unreachable') {
      throw new SimulatorError(503, 'controller_unreachable', 'controller: not reachable (injected fault)');
    }
    throw new SimulatorError(422, 'controller_refused', 'controller: refused the change (injected fault)');
  }

  private ap(apId: string): Ap {
    const ap = this.aps.find((a) => a.apId === apId);
    if (!ap) throw notFound(`apId: ${apId} is not known`);
    return ap;
  }

  private upAp(apId: string): Ap {
    const ap = this.ap(apId);
    if (ap.status !== 'UP') throw apDown(apId);
    return ap;
  }

  private radioOf(ap: Ap, radio: Radio): RadioConfig {
    const config = ap.radios[radio];
    if (!config) throw notFound(`radio: ${ap.apId} has no ${radio} radio`);
    return config;
  }

  private radioState(ap: Ap, radio: Radio): RadioState {
    return { ...this.radioOf(ap, radio), clientCount: associatedClients(this.environment, ap, radio).length };
  }

  private stateOf(ap: Ap): ApState {
    return {
      apId: ap.apId,
      status: ap.status,
      version: ap.version,
      x: ap.x,
      y: ap.y,
      regulatoryDomain: this.regulatoryDomain,
      neighbors: neighborsOf(this.environment, ap),
      radios: Object.fromEntries(RADIOS.filter((r) => ap.radios[r]).map((r) => [r, this.radioState(ap, r)])),
    };
  }
}

const apDown = (apId: string): SimulatorError =>
  new SimulatorError(503, 'ap_down', `apId: ${apId} is DOWN`, { apId });

function validateScenario(scenario: ScenarioDefinition, domain: RegulatoryDomain): void {
  const ids = new Set<string>();
  for (const ap of scenario.aps) {
    if (ids.has(ap.apId)) throw new Error(`scenario ${scenario.name}: duplicate apId ${ap.apId}`);
    ids.add(ap.apId);
    for (const radio of RADIOS) {
      const r = ap.radios[radio];
      if (r && !isPermitted(radio, r.channel, r.width, domain)) {
        throw new Error(
          `scenario ${scenario.name}: ${ap.apId} ${radio} ${r.channel}/${r.width} not permitted in ${domain}`,
        );
      }
    }
  }
}
