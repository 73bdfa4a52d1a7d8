// The simulated world and its controller: state, configuration and admin-state changes
// (idempotent by change id, compare-and-set by version), steering, the change log and the
// scenario injections. The rules live in the modules it calls; this class owns the state.
import {
  OBSS_PD_MIN_DBM,
  RADIOS,
  channelsOfBand,
  isPermitted,
  type Radio,
  type RegulatoryDomain,
} from '../domain/regulatory';
import { isDfsChannel } from '../domain/dfs';
import { AssociationLog } from './association-rates';
import { DfsStates, type RadioDfsView } from './dfs-states';
import { planRadioChange } from './config-change';
import { SimulatorError, notFound, unprocessable } from './errors';
import { ChangeLedger } from './idempotency';
import { neighborsOf, scanChannels } from './observations';
import {
  displaceClients,
  drawName,
  placeSeededRoamers,
  populateRadio,
  roamingNeighbours,
  surgeClients,
} from './population';
import { DEFAULT_POWER_BUDGET_WATTS, powerState } from './power';
import { rngFor } from './random';
import { associatedClients, inService, radioFigures, subchannelsOf, type RfEnvironment } from './rf-model';
import { admit, clientsView, returnHome, roamAway, steerClients } from './roaming';
import { detections } from './sensing';
import type {
  AdminRequest,
  AdminResult,
  Ap,
  ApFailure,
  ApState,
  ChangeRecord,
  Client,
  ClientView,
  ConfigRequest,
  ConfigResult,
  ControllerFaultMode,
  Detection,
  Interferer,
  PowerState,
  RadioConfig,
  RadioFigures,
  RadioMetrics,
  RadioState,
  ScanResult,
  ScenarioAp,
  ScenarioDefinition,
  SteerRequest,
  SteerResult,
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
  /** Each 5 GHz radio's DFS channel states and CAC (simulator/dfs-states.ts), keyed `apId/5g`. */
  private dfs!: DfsStates;
  private changeLog = new Map<string, ChangeRecord[]>();
  /** Applied writes by change id: a replay returns the original response. */
  private readonly ledger = new ChangeLedger();
  private fault: ControllerFault | null = null;
  /** Samples taken per radio: the noise of sample n depends only on seed, radio and n. */
  private samples = new Map<string, number>();
  private readonly associations: AssociationLog;
  /** `apId/radio` of the radios with a client surge going on (until the surges are cleared). */
  private activeSurges = new Set<string>();
  /** Injected clients drawn per `apId/radio`: numbers the next ones (admitted or refused). */
  private surgeDraws = new Map<string, number>();
  /** Where the clients moved by the roamers injection stood before. */
  private displaced = new Map<string, { x: number; y: number }>();

  constructor(opts: WorldOptions) {
    this.seed = opts.seed ?? 1;
    this.scenario = opts.scenario;
    this.regulatoryDomain = opts.regulatoryDomain ?? opts.scenario.regulatoryDomain ?? 'US';
    this.clock = opts.clock ?? (() => new Date());
    this.associations = new AssociationLog(() => this.clock().getTime());
    validateScenario(this.scenario, this.regulatoryDomain);
    this.reset();
  }

  /** Back to the seeded initial world: plan, clients, interferers; no radar, faults or history. */
  reset(): void {
    const domain = this.regulatoryDomain;
    this.aps = this.scenario.aps.map((spec) => ({
      apId: spec.apId,
      status: spec.status ?? 'UP',
      adminStatus: 'UP',
      failure: spec.status === 'DOWN' ? SCENARIO_FAILURE : null,
      powerBudgetWatts: spec.powerBudgetWatts ?? DEFAULT_POWER_BUDGET_WATTS,
      version: 1,
      radioVersions: Object.fromEntries(Object.keys(spec.radios).map((radio) => [radio, 1])),
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
            admissionCap: null,
          } satisfies RadioConfig,
        ]),
      ),
    }));
    this.clients = this.scenario.aps.flatMap((spec, index) =>
      RADIOS.flatMap((radio) => {
        const r = spec.radios[radio];
        const config = this.aps[index].radios[radio];
        if (!r || !config) return [];
        const clients = populateRadio(this.seed, index + 1, spec, radio, config, domain, r.clients);
        placeSeededRoamers(this.seed, this.scenario.aps, spec, radio, clients);
        return clients;
      }),
    );
    this.interferers = new Map(
      (this.scenario.interferers ?? []).map((i) => [
        i.interfererId,
        { ...i, channels: [...i.channels], on: i.on ?? false },
      ]),
    );
    this.radarChannels = new Set();
    // Radios serving at the start have checked their channels already.
    this.dfs = new DfsStates(domain, () => this.clock().getTime());
    for (const ap of this.aps) {
      const config = ap.radios['5g'];
      if (config) this.dfs.serving(`${ap.apId}/5g`, subchannelsOf(config, domain));
    }
    this.changeLog = new Map();
    this.ledger.clear();
    this.fault = null;
    this.samples = new Map();
    this.associations.clear();
    this.activeSurges = new Set();
    this.surgeDraws = new Map();
    this.displaced = new Map();
    // Clients of an AP the scenario starts DOWN are with its neighbours from the start.
    for (const ap of this.aps.filter((a) => !inService(a))) roamAway(this.environment, this.associations, ap);
    this.associations.clear();
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
    const noise = rngFor(this.seed, 'sample', `${drawName(this.specOf(ap))}/${radio}`, n);
    const transmitting = !this.inCac(ap, radio);
    return {
      apId,
      radio,
      sampledAt: this.clock().toISOString(),
      channel: config.channel,
      width: config.width,
      transmitting,
      ...(transmitting ? radioFigures(this.environment, ap, radio, noise) : OFF_THE_AIR),
      ...this.associations.rates(apId, radio),
    };
  }

  /** The radio's associated clients with their QoE and the neighbours they could be steered to. */
  clientViews(apId: string, radio: Radio): ClientView[] {
    const ap = this.upAp(apId);
    this.radioOf(ap, radio);
    return this.inCac(ap, radio) ? [] : clientsView(this.environment, ap, radio);
  }

  /** A radio in a CAC does not transmit: no client is associated with it until the check passes. */
  private inCac(ap: Ap, radio: Radio): boolean {
    return radio === '5g' && this.dfs.inCac(`${ap.apId}/5g`);
  }

  scan(apId: string, radio: Radio): ScanResult {
    const ap = this.upAp(apId);
    this.radioOf(ap, radio);
    const channels = scanChannels(this.environment, ap, radio);
    if (radio === '5g') {
      const states = new Map(this.dfs.view(`${apId}/5g`).channels.map((c) => [c.channel, c.state]));
      for (const c of channels) if (states.has(c.channel)) c.dfsState = states.get(c.channel);
    }
    return { apId, radio, regulatoryDomain: this.regulatoryDomain, channels };
  }

  sensing(): Detection[] {
    return detections({ env: this.environment, log: this.associations, activeSurges: this.activeSurges });
  }

  changes(apId: string): ChangeRecord[] {
    this.ap(apId);
    return [...(this.changeLog.get(apId) ?? [])];
  }

  applyConfig(apId: string, radio: Radio, request: ConfigRequest): ConfigResult {
    this.consumeFault();
    const ap = this.ap(apId);
    const config = this.radioOf(ap, radio);

    const scope = `config of ${apId}/${radio}`;
    const earlier = this.ledger.replay<ConfigResult>(request.changeId, scope);
    if (earlier) return earlier;
    // A failed AP cannot be reached; an administratively down one still takes configuration.
    if (ap.status !== 'UP') throw apDown(apId);
    // Per radio: a change of the AP's other radio in the meantime is no conflict.
    checkVersion(`${apId}/${radio}`, ap.radioVersions[radio] ?? 1, request.expectedVersion);
    const plan = planRadioChange(config, request.changes, this.regulatoryDomain, this.radarChannels);
    if (!plan.ok) throw plan.error;
    // A 5 GHz move onto other channels: refused inside a Non-Occupancy Period, else it may start a CAC.
    const dfsMove =
      radio === '5g' && (plan.next.channel !== config.channel || plan.next.width !== config.width)
        ? { key: `${apId}/5g`, subchannels: subchannelsOf(plan.next, this.regulatoryDomain) }
        : undefined;
    const closed = dfsMove ? this.dfs.unavailableOf(dfsMove.key, dfsMove.subchannels) : [];
    if (closed.length > 0) throw inNonOccupancy(closed, plan.next);

    const previous = this.radioState(ap, radio);
    ap.radios[radio] = plan.next;
    ap.version += 1;
    ap.radioVersions[radio] = (ap.radioVersions[radio] ?? 1) + 1;
    if (dfsMove) this.dfs.moveOnto(dfsMove.key, dfsMove.subchannels);
    const result: ConfigResult = {
      apId,
      radio,
      changeId: request.changeId,
      version: ap.radioVersions[radio]!,
      duplicate: false,
      previous,
      current: this.radioState(ap, radio),
      appliedAt: this.clock().toISOString(),
    };
    this.ledger.record(request.changeId, scope, result);
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

  /** Marks the AP administratively down or up; works on a failed AP too (failover marks it down). */
  setAdminStatus(apId: string, request: AdminRequest): AdminResult {
    this.consumeFault();
    const ap = this.ap(apId);
    const scope = `admin state of ${apId}`;
    const earlier = this.ledger.replay<AdminResult>(request.changeId, scope);
    if (earlier) return earlier;
    checkVersion(apId, ap.version, request.expectedVersion);
    const previous = { adminStatus: ap.adminStatus };
    this.changeService(ap, () => {
      ap.adminStatus = request.adminStatus;
    });
    ap.version += 1;
    const result: AdminResult = {
      apId,
      changeId: request.changeId,
      version: ap.version,
      duplicate: false,
      previous,
      current: { adminStatus: ap.adminStatus },
      appliedAt: this.clock().toISOString(),
    };
    this.ledger.record(request.changeId, scope, result);
    return result;
  }

  /** BSS transition of some of the radio's clients to another AP (no configuration, no version bump). */
  steer(apId: string, radio: Radio, request: SteerRequest): SteerResult {
    this.consumeFault();
    const source = this.ap(apId);
    this.radioOf(source, radio);
    const scope = `steering from ${apId}/${radio}`;
    const earlier = this.ledger.replay<SteerResult>(request.changeId, scope);
    if (earlier) return earlier;
    if (!inService(source)) throw apDown(apId);
    const target = this.aps.find((a) => a.apId === request.targetApId);
    if (!target) throw notFound(`targetApId: ${request.targetApId} is not known`);
    if (!target.radios[radio]) {
      throw unprocessable('invalid_target', 'targetApId', `${target.apId} has no ${radio} radio`);
    }
    const moved = steerClients(this.environment, this.associations, source, radio, request.clientIds, target);
    const result: SteerResult = { apId, radio, changeId: request.changeId, duplicate: false, ...moved };
    this.ledger.record(request.changeId, scope, result);
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
    // Each radio operating (or checking) on it hears it: the channels close for it.
    for (const ap of this.aps.filter(inService)) {
      const config = ap.radios['5g'];
      if (config) this.dfs.radar(`${ap.apId}/5g`, channel, subchannelsOf(config, this.regulatoryDomain));
    }
    return this.radarList();
  }

  /** A 5 GHz radio's DFS channel states: usable, in CAC, available, unavailable (Non-Occupancy Period). */
  dfsStates(apId: string, radio: Radio): RadioDfsView {
    const ap = this.ap(apId);
    this.radioOf(ap, radio);
    if (radio !== '5g') {
      throw unprocessable('invalid_radio', 'radio', 'only 5g has DFS channels');
    }
    return this.dfs.view(`${apId}/5g`);
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

  /** A hardware failure (`failure`) or the recovery from it (null). */
  setFailure(apId: string, failure: ApFailure | null): ApState {
    const ap = this.ap(apId);
    this.changeService(ap, () => {
      ap.status = failure ? 'DOWN' : 'UP';
      ap.failure = failure;
    });
    return this.stateOf(ap);
  }

  /**
   * `count` extra clients try to associate to the radio; the admission cap refuses those beyond
   * it. A surge is a density spike until cleared; a `settled` crowd arrived gradually: just load.
   */
  surge(
    apId: string,
    radio: Radio,
    count: number,
    settled = false,
  ): { current: RadioState; admitted: number; refused: number } {
    const ap = this.ap(apId);
    this.radioOf(ap, radio);
    const index = this.aps.indexOf(ap);
    // Numbered by the injected clients drawn so far (admitted or not), so every id is new.
    const key = `${apId}/${radio}`;
    const already = this.surgeDraws.get(key) ?? 0;
    this.surgeDraws.set(key, already + count);
    let admitted = 0;
    for (const client of surgeClients(
      this.seed,
      index + 1,
      this.scenario.aps[index],
      radio,
      already,
      count,
    )) {
      if (!admit(this.environment, this.associations, ap, radio)) continue;
      this.clients.push(client);
      admitted += 1;
    }
    if (!settled) this.activeSurges.add(key);
    return { current: this.radioState(ap, radio), admitted, refused: count - admitted };
  }

  /** Ends the surges and crowds (of one AP, or all): their clients leave. */
  clearSurges(apId?: string): void {
    if (apId !== undefined) this.ap(apId);
    const ending = (c: Client): boolean => c.surgeAt !== null && (apId === undefined || c.surgeAt === apId);
    this.clients = this.clients.filter((c) => !ending(c));
    this.activeSurges = new Set(
      [...this.activeSurges].filter((key) => apId !== undefined && !key.startsWith(`${apId}/`)),
    );
  }

  /** Sets the AP's PoE budget (e.g. the switch renegotiated a lower class). */
  setPowerBudget(apId: string, budgetWatts: number): PowerState {
    const ap = this.ap(apId);
    ap.powerBudgetWatts = budgetWatts;
    return powerState(ap);
  }

  restorePowerBudget(apId: string): PowerState {
    const ap = this.ap(apId);
    const spec = this.scenario.aps.find((a) => a.apId === apId)!;
    ap.powerBudgetWatts = spec.powerBudgetWatts ?? DEFAULT_POWER_BUDGET_WATTS;
    return powerState(ap);
  }

  /**
   * `count` of the radio's clients wander next to neighbour APs but stay associated: poor QoE,
   * and a neighbour heard far better (steerable). Returns the moved client ids.
   */
  injectRoamers(apId: string, radio: Radio, count: number): string[] {
    const ap = this.ap(apId);
    this.radioOf(ap, radio);
    const spec = this.specOf(ap);
    const pool = associatedClients(this.environment, ap, radio).filter(
      (c) => !this.displaced.has(c.clientId),
    );
    const origins = new Map(pool.map((c) => [c.clientId, { x: c.x, y: c.y }]));
    const rng = rngFor(this.seed, 'roamers-inject', drawName(spec), radio, this.displaced.size);
    const moved = displaceClients(rng, ap, roamingNeighbours(this.scenario.aps, spec, radio), pool, count);
    for (const c of moved) this.displaced.set(c.clientId, origins.get(c.clientId)!);
    return moved.map((c) => c.clientId).sort();
  }

  private specOf(ap: Ap): ScenarioAp {
    return this.scenario.aps[this.aps.indexOf(ap)];
  }

  /** The injected roamers walk back to where they were. */
  clearRoamers(): void {
    for (const client of this.clients) {
      const origin = this.displaced.get(client.clientId);
      if (origin) Object.assign(client, origin);
    }
    this.displaced = new Map();
  }

  /** Applies a status change; clients roam away when the AP leaves service and return when it is back. */
  private changeService(ap: Ap, change: () => void): void {
    const before = inService(ap);
    change();
    const after = inService(ap);
    if (before && !after) roamAway(this.environment, this.associations, ap);
    if (!before && after) returnHome(this.environment, this.associations, ap);
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

  /** The AP, if it serves clients: a failed or administratively down AP has no radio figures. */
  private upAp(apId: string): Ap {
    const ap = this.ap(apId);
    if (!inService(ap)) throw apDown(apId);
    return ap;
  }

  private radioOf(ap: Ap, radio: Radio): RadioConfig {
    const config = ap.radios[radio];
    if (!config) throw notFound(`radio: ${ap.apId} has no ${radio} radio`);
    return config;
  }

  private radioState(ap: Ap, radio: Radio): RadioState {
    const clientCount = this.inCac(ap, radio) ? 0 : associatedClients(this.environment, ap, radio).length;
    return { ...this.radioOf(ap, radio), clientCount, version: ap.radioVersions[radio] ?? 1 };
  }

  private stateOf(ap: Ap): ApState {
    return {
      apId: ap.apId,
      status: ap.status,
      adminStatus: ap.adminStatus,
      version: ap.version,
      power: powerState(ap),
      x: ap.x,
      y: ap.y,
      regulatoryDomain: this.regulatoryDomain,
      neighbors: neighborsOf(this.environment, ap),
      radios: Object.fromEntries(RADIOS.filter((r) => ap.radios[r]).map((r) => [r, this.radioState(ap, r)])),
    };
  }
}

const inNonOccupancy = (channels: number[], next: RadioConfig): SimulatorError =>
  unprocessable(
    'channel_unavailable',
    'changes.channel',
    `channel ${channels.join(', ')} of ${next.channel}/${next.width} is in its Non-Occupancy Period after radar`,
    { radarChannels: channels },
  );

const apDown = (apId: string): SimulatorError =>
  new SimulatorError(503, 'ap_down', `apId: ${apId} is DOWN`, { apId });

/** Failure of an AP a scenario starts DOWN. */
const SCENARIO_FAILURE: ApFailure = { component: 'ap', detail: 'down since the scenario started' };

/** The figures of a radio in a CAC: it does not transmit, so it carries no traffic and no clients. */
const OFF_THE_AIR: RadioFigures = Object.freeze({
  utilizationPct: 0,
  airtimePct: 0,
  per: 0,
  retryRate: 0,
  throughputMbps: 0,
  disconnectsPerMin: 0,
  avgQoe: 0,
  clientCount: 0,
  clients: [],
});

/** Compare-and-set guard of every versioned write: of the AP (admin state) or of one radio. */
function checkVersion(of: string, version: number, expectedVersion: number): void {
  if (expectedVersion !== version) {
    throw new SimulatorError(
      409,
      'version_conflict',
      `expectedVersion: ${expectedVersion} does not match the current version ${version} of ${of}`,
      { currentVersion: version },
    );
  }
}

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
