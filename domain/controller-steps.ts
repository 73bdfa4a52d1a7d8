// What an action does at the controller, as a list of steps, and how each step is undone. The
// workflow applies steps in order and compensates the applied ones in reverse (saga).
import type { Radio } from './regulatory';
import {
  changedParams,
  type AdminStatus,
  type ApSnapshot,
  type ConfigurationChange,
  type RadioConfig,
} from './radio';

export type ControllerStep =
  /** Radio configuration of an AP (channel, width, TX power, OBSS-PD, admission cap). */
  | { kind: 'radio'; apId: string; radio: Radio; from: RadioConfig; target: Partial<RadioConfig> }
  /** BSS transition of clients to another AP. */
  | { kind: 'steer'; apId: string; radio: Radio; clientIds: string[]; targetApId: string }
  /** Administrative state of an AP (failover marks it down). */
  | { kind: 'admin'; apId: string; from: AdminStatus; to: AdminStatus };

/**
 * The steps' changes in the audit's words. Params of the event's own radio are bare (`channel`);
 * others name the radio and, for another AP, the AP (`ap-04.5g.txPowerDbm`).
 */
export function changesOf(
  steps: ControllerStep[],
  own: { apId: string; radio: Radio },
): ConfigurationChange[] {
  return steps.flatMap((step): ConfigurationChange[] => {
    const prefix = step.apId === own.apId ? '' : `${step.apId}.`;
    switch (step.kind) {
      case 'radio':
        return changedParams(step.from, step.target).map((param) => ({
          param: `${prefix}${!prefix && step.radio === own.radio ? '' : `${step.radio}.`}${param}`,
          oldValue: step.from[param],
          newValue: step.target[param] ?? null,
        }));
      case 'steer':
        return step.clientIds.map((clientId) => ({
          param: `client.${clientId}.ap`,
          oldValue: step.apId,
          newValue: step.targetApId,
        }));
      case 'admin':
        return [{ param: `${prefix}adminStatus`, oldValue: step.from, newValue: step.to }];
    }
  });
}

/** The step that undoes `step`. */
export function inverseOf(step: ControllerStep): ControllerStep {
  switch (step.kind) {
    case 'radio': {
      const changed = changedParams(step.from, step.target);
      const target = Object.fromEntries(changed.map((p) => [p, step.from[p]]));
      const applied = Object.fromEntries(changed.map((p) => [p, step.target[p]]));
      return { ...step, from: { ...step.from, ...applied }, target };
    }
    case 'steer':
      return {
        kind: 'steer',
        apId: step.targetApId,
        radio: step.radio,
        clientIds: step.clientIds,
        targetApId: step.apId,
      };
    case 'admin':
      return { ...step, from: step.to, to: step.from };
  }
}

/** The APs whose configuration the steps change (steering needs no config on its target). */
export function configuredAps(steps: ControllerStep[]): string[] {
  return [...new Set(steps.filter((s) => s.kind !== 'steer').map((s) => s.apId))].sort();
}

/**
 * What guards a step's compare-and-set: the radio it changes (a change of the AP's other radio is
 * no conflict), or the whole AP for its administrative state.
 */
export function versionKey(step: Pick<ControllerStep, 'kind' | 'apId'> & { radio?: Radio }): string {
  return step.kind === 'admin' || !step.radio ? step.apId : `${step.apId}/${step.radio}`;
}

/** The guards of changes to these APs as read: each AP's version and each of its radios'. */
export function versionsOf(aps: ApSnapshot[]): Record<string, number> {
  const versions: Record<string, number> = {};
  for (const ap of aps) {
    versions[ap.apId] = ap.version;
    for (const [radio, state] of Object.entries(ap.radios)) versions[`${ap.apId}/${radio}`] = state.version;
  }
  return versions;
}
