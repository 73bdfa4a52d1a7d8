// An AP and its radios as the controller reports them, and the audited form of a change.
import type { ChannelWidth, Radio, RegulatoryDomain } from './regulatory';

export interface RadioConfig {
  channel: number;
  width: ChannelWidth;
  txPowerDbm: number;
  obssPdDbm: number;
  /** Cap on associated clients (admission control); null = no cap. */
  admissionCap: number | null;
}

export type RadioParam = keyof RadioConfig;

export interface RadioState extends RadioConfig {
  clientCount: number;
  /** The radio's configuration version: a change of this radio is guarded by it alone. */
  version: number;
}

export type AdminStatus = 'UP' | 'DOWN';

/** One AP as read from the controller, the basis of a plan. */
export interface ApSnapshot {
  apId: string;
  regulatoryDomain: RegulatoryDomain;
  /** Controller's configuration version of the AP, the compare-and-set of AP-wide changes. */
  version: number;
  /** Operational status (DOWN when the AP failed). */
  status: AdminStatus;
  /** What the controller was told: DOWN once failed over. */
  adminStatus: AdminStatus;
  neighbors: string[];
  /** PoE budget and draw, when the controller reports them (OpenWiFi's does not). */
  power?: { budgetWatts: number; drawWatts: number };
  radios: Partial<Record<Radio, RadioState>>;
  /** What the controller cannot do for this AP, and why: the planner says so instead of trying. */
  limits?: ControllerLimits;
}

export interface ControllerLimits {
  /** Why clients cannot be steered (e.g. the controller reports no client's view of other APs). */
  steering?: string;
}

/** One radio of a snapshot, the shape channel planning works on. */
export interface RadioSnapshot {
  apId: string;
  radio: Radio;
  regulatoryDomain: RegulatoryDomain;
  /** The radio's own configuration version (compare-and-set per radio). */
  version: number;
  config: RadioConfig;
}

/** A radio's configuration without its live figures. */
export function configOf(state: RadioState): RadioConfig {
  const { channel, width, txPowerDbm, obssPdDbm, admissionCap } = state;
  return { channel, width, txPowerDbm, obssPdDbm, admissionCap };
}

export function radioOf(ap: ApSnapshot, radio: Radio): RadioSnapshot | undefined {
  const state = ap.radios[radio];
  if (!state) return undefined;
  return {
    apId: ap.apId,
    radio,
    regulatoryDomain: ap.regulatoryDomain,
    version: state.version,
    config: configOf(state),
  };
}

export type ChangeValue = number | string | null;

/** One audited parameter change (docs/audit-contract.md `configuration_changes`). */
export interface ConfigurationChange {
  param: string;
  oldValue: ChangeValue;
  newValue: ChangeValue;
}

/** The params of `target` that differ from `from`. */
export function changedParams(from: RadioConfig, target: Partial<RadioConfig>): RadioParam[] {
  return (Object.keys(target) as RadioParam[]).filter(
    (param) => target[param] !== undefined && target[param] !== from[param],
  );
}
