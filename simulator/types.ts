import type { DfsState } from '../domain/dfs';
// The simulated world's data model, in the words of docs/architecture.md: APs with radios, clients,
// non-Wi-Fi interferers, radar, and the shapes the REST API returns.
import type { ChannelWidth, Radio, RegulatoryDomain } from '../domain/regulatory';

export type ApStatus = 'UP' | 'DOWN';

/** What the controller configures on one radio. */
export interface RadioConfig {
  band: Radio;
  /** Primary 20 MHz channel; the bonded sub-channels follow from the width. */
  channel: number;
  width: ChannelWidth;
  txPowerDbm: number;
  obssPdDbm: number;
  /** Admission control: at most this many associated clients; new ones beyond it are refused. */
  admissionCap: number | null;
}

/** Radio state as reported by the API: the configuration plus the associated client count. */
export interface RadioState extends RadioConfig {
  clientCount: number;
  /** Bumped by every change of this radio's configuration: its own compare-and-set token. */
  version: number;
}

export interface ClientCapabilities {
  supportsDfs: boolean;
  /** UNII-3: 5 GHz channels 149-165. */
  supportsUnii3: boolean;
  maxWidth: ChannelWidth;
  /** 802.11v BSS transition management: the controller can steer it to another AP. */
  btmCapable: boolean;
}

export interface Client {
  /** Looks like a locally administered MAC address, e.g. 02:00:00:01:05:07. */
  clientId: string;
  apId: string;
  radio: Radio;
  x: number;
  y: number;
  capabilities: ClientCapabilities;
  /** The AP a client-surge injection added it at (it leaves when that surge is cleared); null otherwise. */
  surgeAt: string | null;
  /** Set when the client roamed away because its AP left service: it returns when the AP is back. */
  roamedFrom?: string;
}

export interface Interferer {
  interfererId: string;
  /** microwave, video_bridge, jammer, bluetooth, cordless_phone, ... */
  type: string;
  radio: Radio;
  /** 20 MHz channels it covers. */
  channels: number[];
  dutyCyclePct: number;
  /** Transmit power of the interferer (dBm); received power follows from distance. */
  powerDbm: number;
  x: number;
  y: number;
  on: boolean;
}

/** Why an AP failed, as the hardware-failure sensing reports it. */
export interface ApFailure {
  component: string;
  detail: string;
}

export interface Ap {
  apId: string;
  /** Operational status: DOWN while a failure is injected. */
  status: ApStatus;
  /** Set by the controller (`POST /v1/aps/:apId/admin`); an AP serves clients only when both are UP. */
  adminStatus: ApStatus;
  failure: ApFailure | null;
  /** PoE power available to the AP (W); the draw follows from its radios (simulator/power.ts). */
  powerBudgetWatts: number;
  /** Bumped by every applied configuration change; the compare-and-set token of AP-wide changes. */
  version: number;
  /** Per radio, bumped by every change of it: the compare-and-set token of a radio's change. */
  radioVersions: Partial<Record<Radio, number>>;
  x: number;
  y: number;
  radios: Partial<Record<Radio, RadioConfig>>;
}

export interface PowerState {
  budgetWatts: number;
  drawWatts: number;
}

export interface ApState {
  apId: string;
  status: ApStatus;
  adminStatus: ApStatus;
  version: number;
  power: PowerState;
  x: number;
  y: number;
  regulatoryDomain: RegulatoryDomain;
  neighbors: string[];
  radios: Partial<Record<Radio, RadioState>>;
}

export interface ClientQoe {
  clientId: string;
  qoe: number;
  /** False when the client cannot use the radio's channel (no DFS / UNII-3 support): stranded. */
  associated: boolean;
}

/** What the RF model works out for one radio. */
export interface RadioFigures {
  /** Share of the channel's airtime busy, whoever is sending (the radio, its neighbours, non-Wi-Fi). */
  utilizationPct: number;
  /** The radio's own share of airtime: what it and its clients send, beacons included. */
  airtimePct: number;
  per: number;
  retryRate: number;
  throughputMbps: number;
  disconnectsPerMin: number;
  avgQoe: number;
  clientCount: number;
  clients: ClientQoe[];
}

/** GET …/metrics: the figures of one radio at one moment. */
export interface RadioMetrics extends RadioFigures {
  apId: string;
  radio: Radio;
  sampledAt: string;
  channel: number;
  width: ChannelWidth;
  /** False during a CAC (simulator/dfs-states.ts): the radio serves no one and its figures are zero. */
  transmitting: boolean;
  /** New associations (surge arrivals, roams and steers in) over the last minute. */
  associationsPerMin: number;
  /** Associations refused by the admission cap over the last minute. */
  admissionRefusalsPerMin: number;
}

export interface ScanChannel {
  channel: number;
  dfs: boolean;
  /** A DFS channel's state for this radio (domain/dfs.ts, kept by dfs-states.ts); absent on non-DFS channels. */
  dfsState?: DfsState;
  neighborCount: number;
  strongestNeighborDbm: number | null;
  nonWifiDutyCyclePct: number;
  clientSupportPct: number;
}

export interface ScanResult {
  apId: string;
  radio: Radio;
  regulatoryDomain: RegulatoryDomain;
  channels: ScanChannel[];
}

export type { Detection } from '../domain/detections';

export interface ConfigChanges {
  channel?: number;
  width?: ChannelWidth;
  txPowerDbm?: number;
  obssPdDbm?: number;
  admissionCap?: number | null;
}

export interface ConfigRequest {
  changeId: string;
  /** The radio's version the change was planned against (its `version` in the AP state). */
  expectedVersion: number;
  changes: ConfigChanges;
}

export interface ConfigResult {
  apId: string;
  radio: Radio;
  changeId: string;
  version: number;
  duplicate: boolean;
  previous: RadioState;
  current: RadioState;
  appliedAt: string;
}

export interface ChangeRecord {
  changeId: string;
  radio: Radio;
  appliedAt: string;
  previous: RadioState;
  current: RadioState;
  version: number;
}

export interface AdminRequest {
  changeId: string;
  expectedVersion: number;
  adminStatus: ApStatus;
}

export interface AdminResult {
  apId: string;
  changeId: string;
  version: number;
  duplicate: boolean;
  previous: { adminStatus: ApStatus };
  current: { adminStatus: ApStatus };
  appliedAt: string;
}

export interface SteerRequest {
  changeId: string;
  clientIds: string[];
  targetApId: string;
}

export type SteerRefusalReason =
  | 'not_associated'
  | 'not_btm_capable'
  | 'same_ap'
  | 'target_down'
  | 'target_full'
  | 'weak_signal'
  | 'unsupported_channel';

export interface SteerResult {
  apId: string;
  radio: Radio;
  changeId: string;
  duplicate: boolean;
  steered: string[];
  refused: Array<{ clientId: string; reason: SteerRefusalReason }>;
}

/** A neighbour AP a client could move to, as the clients view reports it. */
export interface RoamCandidate {
  apId: string;
  rssiDbm: number;
  clientCount: number;
  admissionCap: number | null;
}

export interface ClientView {
  clientId: string;
  qoe: number;
  rssiDbm: number;
  btmCapable: boolean;
  candidates: RoamCandidate[];
}

export type ControllerFaultMode = 'unreachable' | 'refuse';

/** A client given explicitly in a scenario; omitted fields are drawn from the seed. */
export interface ClientSpec {
  clientId?: string;
  x?: number;
  y?: number;
  supportsDfs?: boolean;
  supportsUnii3?: boolean;
  maxWidth?: ChannelWidth;
  btmCapable?: boolean;
}

export interface ScenarioRadio {
  channel: number;
  width: ChannelWidth;
  txPowerDbm: number;
  /** Default −82 dBm (no spatial reuse). */
  obssPdDbm?: number;
  /** A count (clients drawn from the seed) or explicit clients. Default: drawn from the seed. */
  clients?: number | ClientSpec[];
}

export interface ScenarioAp {
  apId: string;
  /**
   * The name the AP's random draws (clients, samples, roamers) are keyed by; default its apId. Two
   * floors whose APs draw as the same names are the same floor under other names.
   */
  drawsAs?: string;
  x: number;
  y: number;
  status?: ApStatus;
  /** Default DEFAULT_POWER_BUDGET_WATTS (802.3at). */
  powerBudgetWatts?: number;
  radios: Partial<Record<Radio, ScenarioRadio>>;
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  regulatoryDomain?: RegulatoryDomain;
  aps: ScenarioAp[];
  /** Interferers known to the scenario; `on` defaults to false (switched on by injection). */
  interferers?: Array<Omit<Interferer, 'on'> & { on?: boolean }>;
}
