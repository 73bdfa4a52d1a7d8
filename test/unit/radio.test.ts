import { changesOf, inverseOf, type ControllerStep } from '../../domain/controller-steps';
import { changedParams, radioOf, type ApSnapshot, type RadioConfig } from '../../domain/radio';

const config: RadioConfig = { channel: 52, width: 80, txPowerDbm: 20, obssPdDbm: -82, admissionCap: null };

const own = { apId: 'ap-1', radio: '5g' as const };
/** The audited changes of moving the own radio from `from` to `target`. */
const diff = (from: RadioConfig, target: Partial<RadioConfig>) =>
  changesOf([{ kind: 'radio', apId: 'ap-1', radio: '5g', from, target }], own);

describe('changedParams (and the changes of a radio step)', () => {
  it('lists only the params that change, with old and new values', () => {
    expect(changedParams(config, { channel: 36, width: 80, txPowerDbm: 17 })).toEqual([
      'channel',
      'txPowerDbm',
    ]);
    expect(diff(config, { channel: 36, width: 80, txPowerDbm: 17 })).toEqual([
      { param: 'channel', oldValue: 52, newValue: 36 },
      { param: 'txPowerDbm', oldValue: 20, newValue: 17 },
    ]);
  });

  it('is empty when nothing changes', () => {
    expect(changedParams(config, {})).toEqual([]);
    expect(changedParams(config, { ...config })).toEqual([]);
    expect(diff(config, { ...config })).toEqual([]);
  });

  it('skips params given as undefined', () => {
    expect(diff(config, { channel: undefined, obssPdDbm: -79 })).toEqual([
      { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
    ]);
  });

  it('sees null as a value: setting and lifting an admission cap', () => {
    expect(changedParams(config, { admissionCap: null })).toEqual([]);
    expect(diff(config, { admissionCap: 25 })).toEqual([
      { param: 'admissionCap', oldValue: null, newValue: 25 },
    ]);
    expect(diff({ ...config, admissionCap: 25 }, { admissionCap: null })).toEqual([
      { param: 'admissionCap', oldValue: 25, newValue: null },
    ]);
  });

  it('does not modify its input', () => {
    const from = { ...config };
    changedParams(from, { channel: 100 });
    diff(from, { channel: 100 });
    expect(from).toEqual(config);
  });
});

describe('a radio step and its inverse', () => {
  const step: Extract<ControllerStep, { kind: 'radio' }> = {
    kind: 'radio',
    apId: 'ap-1',
    radio: '5g',
    from: config,
    target: { channel: 149, width: 40, obssPdDbm: -79 },
  };
  const inverse = inverseOf(step);
  if (inverse.kind !== 'radio') throw new Error('the inverse of a radio step is a radio step');

  it('the step targets the new values', () => {
    expect(diff(config, step.target).map((c) => [c.param, c.newValue])).toEqual([
      ['channel', 149],
      ['width', 40],
      ['obssPdDbm', -79],
    ]);
  });

  it('the inverse targets the old values', () => {
    expect(inverse.target).toEqual({ channel: 52, width: 80, obssPdDbm: -82 });
  });

  it('applying the target then the inverse restores the original configuration', () => {
    const applied = { ...config, ...step.target };
    expect(applied).toEqual({ channel: 149, width: 40, txPowerDbm: 20, obssPdDbm: -79, admissionCap: null });
    expect(inverse.from).toEqual(applied);
    expect({ ...applied, ...inverse.target }).toEqual(config);
    expect(changesOf([inverse], own)).toEqual([
      { param: 'channel', oldValue: 149, newValue: 52 },
      { param: 'width', oldValue: 40, newValue: 80 },
      { param: 'obssPdDbm', oldValue: -79, newValue: -82 },
    ]);
  });

  it('are empty for no changes', () => {
    const noop = inverseOf({ kind: 'radio', apId: 'ap-1', radio: '5g', from: config, target: {} });
    expect(noop).toMatchObject({ target: {}, from: config });
    expect(changesOf([noop], own)).toEqual([]);
  });
});

describe('radioOf', () => {
  const ap: ApSnapshot = {
    apId: 'ap-1',
    regulatoryDomain: 'EU',
    version: 12,
    status: 'UP',
    adminStatus: 'UP',
    neighbors: ['ap-2'],
    power: { budgetWatts: 25.5, drawWatts: 20 },
    radios: { '5g': { ...config, clientCount: 17, version: 4 } },
  };

  it("gives the radio's configuration without its client count, with the AP's domain and its own version", () => {
    expect(radioOf(ap, '5g')).toEqual({
      apId: 'ap-1',
      radio: '5g',
      regulatoryDomain: 'EU',
      version: 4,
      config,
    });
  });

  it('is undefined for a radio the AP does not have', () => {
    expect(radioOf(ap, '6g')).toBeUndefined();
  });
});
