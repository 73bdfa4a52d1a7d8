// The simulated world's data model, in the words of DESIGN.md: APs with radios, clients,
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
}

/** Radio state as reported by the API: the configuration plus the associated client count. */
export interface RadioState extends RadioConfig {
  clientCount: number;
}

export interface ClientCapabilities {
  supportsDfs: boolean;
  /** UNII-3: 5 GHz channels 149-165. */
  supportsUnii3: boolean;
  maxWidth: ChannelWidth;
}

export interface Client {
  /** Looks like a locally administered MAC address, e.g. 02:00:00:01:05:07. */
  clientId: string;
  apId: string;
  radio: Radio;
  x: number;
  y: number;
  capabilities: ClientCapabilities;
  /** Added by a client-surge injection (removed when the surge is cleared). */
  surge: boolean;
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

export interface Ap {
  apId: string;
  status: ApStatus;
  /** Bumped by every applied configuration change; the compare-and-set token. */
  version: number;
  x: number;
  y: number;
  radios: Partial<Record<Radio, RadioConfig>>;
}

export interface ApState {
  apId: string;
  status: ApStatus;
  version: number;
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

export interface RadioMetrics {
  apId: string;
  radio: Radio;
  sampledAt: string;
  channel: number;
  width: ChannelWidth;
  utilizationPct: number;
  per: number;
  retryRate: number;
  throughputMbps: number;
  disconnectsPerMin: number;
  avgQoe: number;
  clientCount: number;
  clients: ClientQoe[];
}

export interface ScanChannel {
  channel: number;
  dfs: boolean;
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

export type Detection =
  | { kind: 'radar'; apId: string; radio: '5g'; channel: number }
  | {
      kind: 'interference';
      apId: string;
      radio: Radio;
      channel: number;
      confidence: number;
      dutyCyclePct: number;
      rssiDbm: number;
      interfererType: string;
      interfererId: string;
    };

export interface ConfigChanges {
  channel?: number;
  width?: ChannelWidth;
  txPowerDbm?: number;
  obssPdDbm?: number;
}

export interface ConfigRequest {
  changeId: string;
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

export type ControllerFaultMode = 'unreachable' | 'refuse';

/** A client given explicitly in a scenario; omitted fields are drawn from the seed. */
export interface ClientSpec {
  clientId?: string;
  x?: number;
  y?: number;
  supportsDfs?: boolean;
  supportsUnii3?: boolean;
  maxWidth?: ChannelWidth;
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
  x: number;
  y: number;
  status?: ApStatus;
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
