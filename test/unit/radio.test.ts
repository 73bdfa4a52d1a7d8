import { diffConfig, revertOf, targetOf, type RadioConfig } from '../../domain/radio';

const config: RadioConfig = { channel: 52, width: 80, txPowerDbm: 20, obssPdDbm: -82 };

describe('diffConfig', () => {
  it('lists only the params that change, with old and new values', () => {
    expect(diffConfig(config, { channel: 36, width: 80, txPowerDbm: 17 })).toEqual([
      { param: 'channel', oldValue: 52, newValue: 36 },
      { param: 'txPowerDbm', oldValue: 20, newValue: 17 },
    ]);
  });

  it('is empty when nothing changes', () => {
    expect(diffConfig(config, {})).toEqual([]);
    expect(diffConfig(config, { ...config })).toEqual([]);
  });

  it('skips params given as undefined', () => {
    expect(diffConfig(config, { channel: undefined, obssPdDbm: -79 })).toEqual([
      { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
    ]);
  });

  it('does not modify its input', () => {
    const from = { ...config };
    diffConfig(from, { channel: 100 });
    expect(from).toEqual(config);
  });
});

describe('targetOf and revertOf', () => {
  const changes = diffConfig(config, { channel: 149, width: 40, obssPdDbm: -79 });

  it('targetOf gives the new values', () => {
    expect(targetOf(changes)).toEqual({ channel: 149, width: 40, obssPdDbm: -79 });
  });

  it('revertOf gives the old values', () => {
    expect(revertOf(changes)).toEqual({ channel: 52, width: 80, obssPdDbm: -82 });
  });

  it('applying the target then the revert restores the original configuration', () => {
    const applied = { ...config, ...targetOf(changes) };
    expect(applied).toEqual({ channel: 149, width: 40, txPowerDbm: 20, obssPdDbm: -79 });
    expect({ ...applied, ...revertOf(changes) }).toEqual(config);
    expect(diffConfig(applied, revertOf(changes))).toEqual([
      { param: 'channel', oldValue: 149, newValue: 52 },
      { param: 'width', oldValue: 40, newValue: 80 },
      { param: 'obssPdDbm', oldValue: -79, newValue: -82 },
    ]);
  });

  it('are empty for no changes', () => {
    expect(targetOf([])).toEqual({});
    expect(revertOf([])).toEqual({});
  });
});
