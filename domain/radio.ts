// A radio's configuration as the controller reports it, and the changes the loop makes to it.
import type { ChannelWidth, Radio, RegulatoryDomain } from './regulatory';

export interface RadioConfig {
  channel: number;
  width: ChannelWidth;
  txPowerDbm: number;
  obssPdDbm: number;
}

export type RadioParam = keyof RadioConfig;

/** A radio as read from the controller just before planning. */
export interface RadioSnapshot {
  apId: string;
  radio: Radio;
  regulatoryDomain: RegulatoryDomain;
  /** Controller's configuration version of the AP, for compare-and-set. */
  version: number;
  config: RadioConfig;
}

/** One audited parameter change (DESIGN.md §6 `configuration_changes`). */
export interface ConfigurationChange {
  param: RadioParam;
  oldValue: number;
  newValue: number;
}

/** The changes that turn `from` into `from` overlaid with `target`, skipping unchanged params. */
export function diffConfig(from: RadioConfig, target: Partial<RadioConfig>): ConfigurationChange[] {
  return (Object.keys(target) as RadioParam[])
    .filter((param) => target[param] !== undefined && target[param] !== from[param])
    .map((param) => ({ param, oldValue: from[param], newValue: target[param] as number }));
}

/** The configuration that undoes `changes`. */
export function revertOf(changes: ConfigurationChange[]): Partial<RadioConfig> {
  return Object.fromEntries(changes.map((c) => [c.param, c.oldValue]));
}

export function targetOf(changes: ConfigurationChange[]): Partial<RadioConfig> {
  return Object.fromEntries(changes.map((c) => [c.param, c.newValue]));
}
