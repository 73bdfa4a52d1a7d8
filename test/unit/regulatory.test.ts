import {
  OBSS_PD_MAX_DBM,
  OBSS_PD_MIN_DBM,
  bondedSubchannels,
  channelsOfBand,
  isPermitted,
  maxTxPowerForObssPd,
  permittedChannels,
  widthsUpTo,
} from '../../domain/regulatory';
import { EU_DFS, EU_NON_DFS, US_DFS, US_NON_DFS, span } from './step-fixtures';

describe('constants', () => {
  it('match docs/policy.md', () => {
    expect(OBSS_PD_MIN_DBM).toBe(-82);
    expect(OBSS_PD_MAX_DBM).toBe(-62);
  });
});

describe('5 GHz channels per domain', () => {
  it('US: 36–48, 52–64, 100–144, 149–165', () => {
    expect(channelsOfBand('5g', 'US')).toEqual([
      ...US_NON_DFS.slice(0, 4),
      ...US_DFS,
      ...US_NON_DFS.slice(4),
    ]);
    expect(permittedChannels('5g', 20, 'US')).toEqual(channelsOfBand('5g', 'US'));
  });

  it('EU: 36–48, 52–64, 100–140; no 144 and no 149–165', () => {
    expect(permittedChannels('5g', 20, 'EU')).toEqual([...EU_NON_DFS, ...EU_DFS]);
    for (const c of [144, 149, 153, 157, 161, 165]) {
      expect(isPermitted('5g', c, 20, 'EU')).toBe(false);
      expect(isPermitted('5g', c, 20, 'US')).toBe(true);
    }
  });

  it('permits no channel outside the band', () => {
    for (const c of [32, 68, 96, 146, 169, 1, 6]) expect(isPermitted('5g', c, 20, 'US')).toBe(false);
  });
});

describe('bonded sub-channels (5 GHz)', () => {
  it.each([
    [40, [36, 44, 52, 60, 100, 108, 116, 124, 132, 140, 149, 157]],
    [80, [36, 52, 100, 116, 132, 149]],
    [160, [36, 100]],
  ] as const)('US primaries at %i MHz are the bonded blocks of docs/policy.md', (width, primaries) => {
    expect(permittedChannels('5g', width, 'US')).toEqual(primaries);
  });

  it('EU drops the blocks that need 144 or 149–165', () => {
    expect(permittedChannels('5g', 40, 'EU')).toEqual([36, 44, 52, 60, 100, 108, 116, 124, 132]);
    expect(permittedChannels('5g', 80, 'EU')).toEqual([36, 52, 100, 116]);
    expect(permittedChannels('5g', 160, 'EU')).toEqual([36, 100]);
  });

  it.each([
    [36, 40, [36, 40]],
    [40, 40, [36, 40]],
    [144, 40, [140, 144]],
    [161, 40, [157, 161]],
    [52, 80, [52, 56, 60, 64]],
    [64, 80, [52, 56, 60, 64]],
    [144, 80, [132, 136, 140, 144]],
    [153, 80, [149, 153, 157, 161]],
    [44, 160, span(36, 64)],
    [128, 160, span(100, 128)],
    [100, 20, [100]],
  ] as const)('US: channel %i at %i MHz → %j', (channel, width, block) => {
    expect(bondedSubchannels('5g', channel, width, 'US')).toEqual(block);
  });

  it('has no wide channel for 165 nor above 128 at 160 MHz', () => {
    expect(bondedSubchannels('5g', 165, 40, 'US')).toEqual([]);
    expect(bondedSubchannels('5g', 165, 80, 'US')).toEqual([]);
    expect(bondedSubchannels('5g', 132, 160, 'US')).toEqual([]);
    expect(bondedSubchannels('5g', 149, 160, 'US')).toEqual([]);
    expect(isPermitted('5g', 165, 20, 'US')).toBe(true);
    expect(isPermitted('5g', 165, 40, 'US')).toBe(false);
  });

  it('EU: 140 has no 40 MHz partner, 132 no 80 MHz block', () => {
    expect(bondedSubchannels('5g', 140, 40, 'EU')).toEqual([]);
    expect(bondedSubchannels('5g', 132, 80, 'EU')).toEqual([]);
    expect(bondedSubchannels('5g', 136, 40, 'EU')).toEqual([132, 136]);
  });
});

describe('other bands', () => {
  it('2.4 GHz: 1–11 in the US, 1–13 in the EU, 20 MHz only', () => {
    expect(permittedChannels('2g', 20, 'US')).toEqual(span(1, 11, 1));
    expect(permittedChannels('2g', 20, 'EU')).toEqual(span(1, 13, 1));
    expect(permittedChannels('2g', 40, 'US')).toEqual([]);
  });

  it('6 GHz: 20 MHz channels 1, 5, …, 233 in the US, up to 93 in the EU', () => {
    expect(permittedChannels('6g', 20, 'US')).toEqual(span(1, 233));
    expect(permittedChannels('6g', 20, 'EU')).toEqual(span(1, 93));
  });

  it('6 GHz bonds 2/4/8 neighbouring channels from channel 1', () => {
    expect(bondedSubchannels('6g', 5, 40, 'US')).toEqual([1, 5]);
    expect(bondedSubchannels('6g', 13, 80, 'US')).toEqual([1, 5, 9, 13]);
    expect(bondedSubchannels('6g', 37, 160, 'US')).toEqual(span(33, 61));
    expect(permittedChannels('6g', 160, 'US')).toEqual([1, 33, 65, 97, 129, 161, 193]);
  });
});

describe('widthsUpTo', () => {
  it('lists widths widest first, no wider than the given one', () => {
    expect(widthsUpTo(160)).toEqual([160, 80, 40, 20]);
    expect(widthsUpTo(40)).toEqual([40, 20]);
    expect(widthsUpTo(20)).toEqual([20]);
  });
});

describe('maxTxPowerForObssPd (1:1 rule from 21 dBm at −82 dBm)', () => {
  it.each([
    [-82, 21],
    [-79, 18],
    [-72, 11],
    [-65, 4],
    [-62, 1],
    [-90, 21],
  ])('OBSS-PD %i dBm → max TX %i dBm', (obssPd, tx) => {
    expect(maxTxPowerForObssPd(obssPd)).toBe(tx);
  });
});
