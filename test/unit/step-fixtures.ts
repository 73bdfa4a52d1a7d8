// Controller steps and channel lists shared by the unit tests of the DFS rules, the decisions and
// the regulatory facts.
import type { ControllerStep } from '../../domain/controller-steps';
import type { RadioConfig } from '../../domain/radio';
import type { Radio } from '../../domain/regulatory';

/** 5g of the fixture AP: 36 at 80 MHz. */
export const cfg5: RadioConfig = {
  channel: 36,
  width: 80,
  txPowerDbm: 20,
  obssPdDbm: -82,
  admissionCap: null,
};

export const radioStep = (
  apId: string,
  radio: Radio,
  target: Partial<RadioConfig>,
  from: RadioConfig = cfg5,
): ControllerStep => ({ kind: 'radio', apId, radio, from, target });

export const steer: ControllerStep = {
  kind: 'steer',
  apId: 'ap-01',
  radio: '5g',
  clientIds: ['c1'],
  targetApId: 'ap-02',
};

export const markDown: ControllerStep = { kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' };

/** 20 MHz channels from `from` to `to`, every `step`. */
export const span = (from: number, to: number, step = 4): number[] => {
  const out: number[] = [];
  for (let c = from; c <= to; c += step) out.push(c);
  return out;
};

export const US_NON_DFS = [36, 40, 44, 48, 149, 153, 157, 161, 165];
export const US_DFS = [52, 56, 60, 64, ...span(100, 144)];
export const EU_NON_DFS = [36, 40, 44, 48];
export const EU_DFS = [52, 56, 60, 64, ...span(100, 140)];
