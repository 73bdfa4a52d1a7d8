// The DFS rules of domain/dfs.ts: which channels need radar detection, their CAC, what a radar
// closes and for whom, and what a closure forbids a change.
import type { ControllerStep } from '../../domain/controller-steps';
import {
  CHANNEL_MOVE_TIME_MS,
  NON_OCCUPANCY_PERIOD_MS,
  cacTimeMs,
  channelsClosedByRadar,
  closureNeighbours,
  isDfsChannel,
  movedOnto,
  nonOccupancyEnd,
  radarChannelOf,
  radarClosedChannels,
  radarClosure,
  rollbackCac,
  rollbackForbidden,
  touchesDfs,
  unionOfClosures,
} from '../../domain/dfs';
import { DEFAULT_POLICY } from '../../domain/policy';
import { radioOf, type RadioConfig, type RadioState } from '../../domain/radio';
import { channelsOfBand, type RegulatoryDomain } from '../../domain/regulatory';
import { ap, event, obs } from './plan-fixtures';
import {
  EU_DFS,
  EU_NON_DFS,
  US_DFS,
  US_NON_DFS,
  cfg5,
  markDown,
  radioStep,
  span,
  steer,
} from './step-fixtures';

/** The 5 GHz radio of ap-01, by default on 52/80 MHz. */
const snapshot = (config: Partial<RadioState>, domain: RegulatoryDomain = 'US') =>
  radioOf(ap('ap-01', { '5g': { channel: 52, width: 80, ...config } }, { regulatoryDomain: domain }), '5g')!;

describe('constants', () => {
  it('match docs/policy.md', () => {
    expect(CHANNEL_MOVE_TIME_MS).toBe(10_000);
    expect(NON_OCCUPANCY_PERIOD_MS).toBe(30 * 60_000);
  });
});

describe('DFS membership', () => {
  it.each([
    ['US', US_DFS, US_NON_DFS],
    ['EU', EU_DFS, EU_NON_DFS],
  ] as const)('%s: DFS exactly on 52–64 and 100–14x', (domain, dfs, nonDfs) => {
    for (const c of dfs) expect(isDfsChannel('5g', c, domain)).toBe(true);
    for (const c of nonDfs) expect(isDfsChannel('5g', c, domain)).toBe(false);
  });

  it.each(['US', 'EU'] as const)('%s: every DFS channel is in the 5 GHz band', (domain) => {
    const band = channelsOfBand('5g', domain);
    for (const c of span(36, 165)) if (isDfsChannel('5g', c, domain)) expect(band).toContain(c);
  });

  it('6 GHz and 2.4 GHz have no DFS', () => {
    for (const c of channelsOfBand('6g', 'US')) expect(isDfsChannel('6g', c, 'US')).toBe(false);
    for (const c of [52, 100, 144]) expect(isDfsChannel('6g', c, 'US')).toBe(false);
    for (const c of channelsOfBand('2g', 'EU')) expect(isDfsChannel('2g', c, 'EU')).toBe(false);
  });

  it('touchesDfs when any sub-channel is DFS', () => {
    expect(touchesDfs('5g', 36, 80, 'US')).toBe(false);
    expect(touchesDfs('5g', 36, 160, 'US')).toBe(true);
    expect(touchesDfs('5g', 149, 80, 'US')).toBe(false);
    expect(touchesDfs('5g', 60, 40, 'US')).toBe(true);
    expect(touchesDfs('6g', 1, 160, 'US')).toBe(false);
  });
});

describe('CAC', () => {
  it('is 60 s on DFS channels, 10 min on EU 120–128, 0 on non-DFS', () => {
    expect(cacTimeMs('5g', 52, 'US')).toBe(60_000);
    expect(cacTimeMs('5g', 52, 'EU')).toBe(60_000);
    for (const c of [120, 124, 128]) {
      expect(cacTimeMs('5g', c, 'EU')).toBe(10 * 60_000);
      expect(cacTimeMs('5g', c, 'US')).toBe(60_000);
    }
    expect(cacTimeMs('5g', 116, 'EU')).toBe(60_000);
    expect(cacTimeMs('5g', 132, 'EU')).toBe(60_000);
    expect(cacTimeMs('5g', 36, 'US')).toBe(0);
    expect(cacTimeMs('5g', 149, 'US')).toBe(0);
    expect(cacTimeMs('6g', 121, 'EU')).toBe(0);
  });
});

describe('channelsClosedByRadar', () => {
  it('closes the whole bonded channel of the operating width', () => {
    expect(channelsClosedByRadar(56, 80, 'US')).toEqual([52, 56, 60, 64]);
    expect(channelsClosedByRadar(104, 40, 'US')).toEqual([100, 104]);
    expect(channelsClosedByRadar(120, 160, 'US')).toEqual(span(100, 128));
    expect(channelsClosedByRadar(60, 20, 'EU')).toEqual([60]);
  });

  it('falls back to the 20 MHz channel when there is no bonded channel', () => {
    expect(channelsClosedByRadar(140, 40, 'EU')).toEqual([140]);
  });
});

describe('radarClosedChannels', () => {
  it('closes the whole operating bonded channel: 52/80 → 52, 56, 60, 64', () => {
    expect(radarClosedChannels(52, snapshot({ channel: 52, width: 80 }))).toEqual([52, 56, 60, 64]);
    expect(radarClosedChannels(60, snapshot({ channel: 56, width: 80 }))).toEqual([52, 56, 60, 64]);
  });

  it('closes the operating 40 and 160 MHz blocks', () => {
    expect(radarClosedChannels(64, snapshot({ channel: 60, width: 40 }))).toEqual([60, 64]);
    expect(radarClosedChannels(116, snapshot({ channel: 100, width: 160 }))).toEqual([
      100, 104, 108, 112, 116, 120, 124, 128,
    ]);
    expect(radarClosedChannels(56, snapshot({ channel: 36, width: 160 }))).toEqual([
      36, 40, 44, 48, 52, 56, 60, 64,
    ]);
  });

  it('closes only the 20 MHz channel when the radar is outside the operating channel', () => {
    expect(radarClosedChannels(60, snapshot({ channel: 36, width: 80 }))).toEqual([60]);
    expect(radarClosedChannels(108, snapshot({ channel: 52, width: 80 }))).toEqual([108]);
    expect(radarClosedChannels(56, snapshot({ channel: 52, width: 20 }))).toEqual([56]);
  });

  it('closes only the channel itself on a 20 MHz radio', () => {
    expect(radarClosedChannels(52, snapshot({ channel: 52, width: 20 }))).toEqual([52]);
  });
});

describe('movedOnto', () => {
  it('is the bonded 20 MHz channels of the channel the own radio moved onto', () => {
    expect(movedOnto([radioStep('ap-01', '5g', { channel: 52, width: 80 })], 'ap-01', '5g', 'US')).toEqual([
      52, 56, 60, 64,
    ]);
    expect(movedOnto([radioStep('ap-01', '5g', { channel: 149, width: 40 })], 'ap-01', '5g', 'US')).toEqual([
      149, 153,
    ]);
  });

  it('is nothing for a step that names the channel the radio is already on', () => {
    const from = cfg5;
    expect(movedOnto([radioStep('ap-01', '5g', { channel: from.channel })], 'ap-01', '5g', 'US')).toEqual([]);
  });

  it('takes the width the radio kept when the step changes only the channel', () => {
    expect(movedOnto([radioStep('ap-01', '5g', { channel: 100 })], 'ap-01', '5g', 'US')).toEqual([
      100, 104, 108, 112,
    ]);
    const narrow = { ...cfg5, width: 20 as const };
    expect(movedOnto([radioStep('ap-01', '5g', { channel: 100 }, narrow)], 'ap-01', '5g', 'US')).toEqual([
      100,
    ]);
  });

  it('works on 6 GHz bonding', () => {
    const from: RadioConfig = { channel: 37, width: 80, txPowerDbm: 18, obssPdDbm: -82, admissionCap: null };
    expect(movedOnto([radioStep('ap-01', '6g', { channel: 69 }, from)], 'ap-01', '6g', 'US')).toEqual([
      65, 69, 73, 77,
    ]);
  });

  it('is [] when the action moved no channel of the own radio', () => {
    const cases: ControllerStep[][] = [
      [],
      [radioStep('ap-01', '5g', { txPowerDbm: 14 })],
      [radioStep('ap-01', '5g', { width: 40 })],
      [radioStep('ap-01', '2g', { channel: 11 }, { ...cfg5, channel: 6, width: 20 })],
      [radioStep('ap-02', '5g', { channel: 52 })],
      [steer, markDown],
    ];
    for (const steps of cases) expect(movedOnto(steps, 'ap-01', '5g', 'US')).toEqual([]);
  });

  it('reads the step of the own radio among others', () => {
    const steps = [
      radioStep('ap-02', '5g', { channel: 149 }),
      radioStep('ap-01', '6g', { channel: 5 }, { ...cfg5, channel: 1, width: 20 }),
      radioStep('ap-01', '5g', { channel: 52, width: 20 }),
    ];
    expect(movedOnto(steps, 'ap-01', '5g', 'US')).toEqual([52]);
  });

  it("is [] for a channel outside the domain's band", () => {
    expect(movedOnto([radioStep('ap-01', '5g', { channel: 149, width: 80 })], 'ap-01', '5g', 'EU')).toEqual(
      [],
    );
  });
});

describe('rollbackCac', () => {
  const awayFrom52 = radioStep('ap-01', '5g', { channel: 36 }, { ...cfg5, channel: 52 });
  const scan = (states: Record<number, 'usable' | 'available'>) =>
    Object.entries(states).map(([channel, dfsState]) => obs(Number(channel), { dfsState }));

  it('costs the CAC of DFS channels the radio has not kept available (no state reported: not checked)', () => {
    expect(rollbackCac([awayFrom52], 'ap-01', '5g', 'US', [])).toEqual({
      channel: 52,
      width: 80,
      cacMs: 60_000,
    });
    const oneUnchecked = scan({ 52: 'available', 56: 'available', 60: 'available', 64: 'usable' });
    expect(rollbackCac([awayFrom52], 'ap-01', '5g', 'US', oneUnchecked)).toMatchObject({ cacMs: 60_000 });
  });

  it('costs nothing back onto checked DFS channels, non-DFS channels, or for no move of the radio', () => {
    const checked = scan({ 52: 'available', 56: 'available', 60: 'available', 64: 'available' });
    expect(rollbackCac([awayFrom52], 'ap-01', '5g', 'US', checked)).toBeUndefined();
    const awayFrom36 = radioStep('ap-01', '5g', { channel: 52 });
    expect(rollbackCac([awayFrom36], 'ap-01', '5g', 'US', [])).toBeUndefined();
    expect(rollbackCac([awayFrom52], 'ap-02', '5g', 'US', [])).toBeUndefined();
  });
});

describe('rollbackForbidden', () => {
  const awayFrom52 = radioStep('ap-01', '5g', { channel: 36 }, { ...cfg5, channel: 52 });

  it('forbids undoing a move off a channel now radar-closed, naming the closed subchannels', () => {
    expect(rollbackForbidden([awayFrom52], [60], 'US')).toBe(
      'channel 52 is radar-closed (Non-Occupancy Period on 60); a rollback would put the radio back on it',
    );
    expect(rollbackForbidden([awayFrom52], [64, 100, 56], 'US')).toBe(
      'channel 52 is radar-closed (Non-Occupancy Period on 56, 64); a rollback would put the radio back on it',
    );
  });

  it('allows it when no subchannel of the old channel is closed', () => {
    expect(rollbackForbidden([awayFrom52], [], 'US')).toBeUndefined();
    expect(rollbackForbidden([awayFrom52], [36, 100], 'US')).toBeUndefined();
  });

  it('looks only at channel moves', () => {
    const onClosed = { ...cfg5, channel: 52 };
    expect(
      rollbackForbidden([radioStep('ap-01', '5g', { txPowerDbm: 14 }, onClosed)], [52], 'US'),
    ).toBeUndefined();
    expect(rollbackForbidden([steer, markDown], [36], 'US')).toBeUndefined();
    expect(rollbackForbidden([], [36], 'US')).toBeUndefined();
  });

  it('forbids undoing a narrowing that shed a now-closed subchannel', () => {
    // 52 at 80 MHz narrowed to 52 at 40 MHz; a rollback would widen it back over 60.
    const narrowed = radioStep('ap-01', '5g', { channel: 52, width: 40 }, { ...cfg5, channel: 52 });
    expect(rollbackForbidden([narrowed], [60], 'US')).toBe(
      'channel 52 is radar-closed (Non-Occupancy Period on 60); a rollback would put the radio back on it',
    );
  });

  it('checks every step, not only the first', () => {
    const steps = [radioStep('ap-01', '5g', { txPowerDbm: 14 }), awayFrom52];
    expect(rollbackForbidden(steps, [52], 'US')).toBe(
      'channel 52 is radar-closed (Non-Occupancy Period on 52); a rollback would put the radio back on it',
    );
  });
});

describe('unionOfClosures', () => {
  it("keeps one closure per radio and channel, the first source's when both name it", () => {
    const coordinator = [{ radio: '5g' as const, channel: 52, until: 10, closedBy: 'ev-1' }];
    const table = [
      { radio: '5g' as const, channel: 52, until: 20, closedBy: 'ev-2', heardBy: 'ap-2' },
      { radio: '5g' as const, channel: 56, until: 20, closedBy: 'ev-2', heardBy: 'ap-2' },
    ];
    expect(unionOfClosures(coordinator, table)).toEqual([coordinator[0], table[1]]);
    expect(unionOfClosures([], table)).toEqual(table);
  });
});

describe('radarChannelOf', () => {
  it('is the channel a radar report names; no other event type has one', () => {
    expect(radarChannelOf(event('DFS_RADAR', { channel: 100 }))).toBe(100);
    expect(() => radarChannelOf(event('NON_WIFI_BURST', { channel: 100 }))).toThrow(
      'e-1 is NON_WIFI_BURST, not a radar report',
    );
  });
});

describe('radarClosure', () => {
  it('is the operating bonded channel when no move onto the radar channel was undone', () => {
    expect(radarClosure(56, snapshot({ channel: 52, width: 80 }), [])).toEqual([52, 56, 60, 64]);
    expect(radarClosure(56, snapshot({ channel: 52, width: 80 }), [100, 104])).toEqual([52, 56, 60, 64]);
  });

  it('adds the channel a watcher had moved the radio onto when the radar was heard there', () => {
    // The watcher moved 100/40 → 52/40 and rolled back first: the radio is on 100 again.
    expect(radarClosure(56, snapshot({ channel: 100, width: 40 }), [52, 56])).toEqual([52, 56]);
    expect(radarClosure(104, snapshot({ channel: 100, width: 40 }), [100, 104, 108, 112])).toEqual([
      100, 104, 108, 112,
    ]);
    expect(radarClosure(60, snapshot({ channel: 36, width: 40 }), [52, 56, 60, 64])).toEqual([
      52, 56, 60, 64,
    ]);
  });
});

describe('the closure’s reach', () => {
  it('lasts the policy’s Non-Occupancy Period from the detection', () => {
    expect(nonOccupancyEnd(DEFAULT_POLICY, 1_000)).toBe(1_000 + NON_OCCUPANCY_PERIOD_MS);
    expect(nonOccupancyEnd({ nonOccupancyPeriodMs: 45 * 60_000 }, 0)).toBe(45 * 60_000);
  });

  it('holds for the RF neighbours only when the policy says so', () => {
    const on = { radar: { ...DEFAULT_POLICY.radar, closeForNeighbours: true } };
    const off = { radar: { ...DEFAULT_POLICY.radar, closeForNeighbours: false } };
    expect(closureNeighbours(on, ['ap-02', 'ap-03'])).toEqual(['ap-02', 'ap-03']);
    expect(closureNeighbours(off, ['ap-02', 'ap-03'])).toEqual([]);
  });
});
