import fc from 'fast-check';

import { ALL_EVENT_TYPES, type EventData, type EventType } from '../../domain/events';
import { PLANNERS, type ActionPlan, type PlanningContext } from '../../domain/plans';
import { DEFAULT_POLICY, type Policy } from '../../domain/policy';
import { radioOf, type RadioState } from '../../domain/radio';
import {
  bondedSubchannels,
  channelsOfBand,
  maxTxPowerForObssPd,
  type RegulatoryDomain,
} from '../../domain/regulatory';
import { isDfsChannel } from '../../domain/dfs';
import type { ChannelObservation } from '../../domain/channel-selection';
import { ap, change, changesIn, context, event, policyWith, radioSteps, scan } from './plan-fixtures';

const OWN = 'ap-01';

/** ap-01 with one 5 GHz radio, by default on 52/80 MHz at 20 dBm, OBSS-PD −82 dBm. */
const ap5g = (config: Partial<RadioState>, domain: RegulatoryDomain = 'US') =>
  ap(
    OWN,
    { '5g': { channel: 52, width: 80, txPowerDbm: 20, obssPdDbm: -82, ...config } },
    { regulatoryDomain: domain },
  );

/** The channel (and width, 0 when unchanged) a channel-change plan moves the radio to. */
const newChannelOf = (ctx: PlanningContext, plan: ActionPlan): { channel: number; width: number } => {
  const changes = changesIn(ctx, plan);
  const channel = changes.find((c) => c.param === 'channel')?.newValue;
  const width = changes.find((c) => c.param === 'width')?.newValue;
  if (typeof channel !== 'number') throw new Error('plan does not change the channel');
  return { channel, width: typeof width === 'number' ? width : 0 };
};

/** A change plan's single step must be a radio step on the event's own radio, from its current config. */
function expectOwnRadioStep(ctx: PlanningContext, plan: ActionPlan): void {
  const steps = change(plan).steps;
  expect(steps).toHaveLength(1);
  expect(steps[0]).toMatchObject({ kind: 'radio', apId: OWN, radio: '5g', from: ctx.radio.config });
}

describe('PLANNERS', () => {
  it('has a planner for every event type, the internal JOINT_REPLAN too', () => {
    expect(Object.keys(PLANNERS).sort()).toEqual([...ALL_EVENT_TYPES].sort());
  });

  it("refuses another type's event: it reads its own type's data", () => {
    const ctx = context({ event: event('NON_WIFI_BURST', { channel: 52 }), ap: ap5g({}) });
    expect(() => PLANNERS.DFS_RADAR.plan(ctx)).toThrow(
      'the DFS_RADAR planner was given a NON_WIFI_BURST event',
    );
  });

  // A planner gets a scan, the clients or the neighbours only when it declares it needs them.
  it.each<[EventType, 'scan' | 'clients' | 'neighbours', boolean]>([
    ['DFS_RADAR', 'scan', true],
    ['NON_WIFI_BURST', 'scan', true],
    ['QOE_DEGRADATION', 'scan', true],
    ['QOE_DEGRADATION', 'clients', true],
    ['LOAD_IMBALANCE', 'clients', true],
    ['LOAD_IMBALANCE', 'neighbours', true],
    ['HW_FAILURE', 'neighbours', true],
  ])('%s declares it needs %s', (type, need, expected) => {
    expect(Boolean((PLANNERS[type].needs as Record<string, boolean | undefined>)[need])).toBe(expected);
  });

  it.each<EventType>(['SPECTRUM_SAT', 'DENSITY_SPIKE', 'POWER_BUDGET_EXCEEDED'])(
    '%s needs no scan, clients or neighbours',
    (type) => {
      const { scan: s, clients, neighbours } = PLANNERS[type].needs;
      expect([s, clients, neighbours].some(Boolean)).toBe(false);
    },
  );
});

describe('radar planner (DFS_RADAR)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.DFS_RADAR.plan(ctx);
  const radarCtx = (
    radarChannel: number,
    config: Partial<RadioState>,
    o: {
      domain?: RegulatoryDomain;
      observations?: ChannelObservation[];
      closed?: number[];
      unavailable?: number[];
    } = {},
  ) =>
    context({
      event: event('DFS_RADAR', { channel: radarChannel }),
      ap: ap5g(config, o.domain ?? 'US'),
      observations: o.observations ?? scan(o.domain ?? 'US'),
      closed: o.closed,
      unavailable: o.unavailable,
    });

  it('moves off radar on the operating channel to the best non-DFS channel, keeping 80 MHz', () => {
    // 36–48 carries interference, so the clean 149/80 is the best non-DFS 80 MHz channel.
    const dirty = { nonWifiDutyCyclePct: 60 };
    const ctx = radarCtx(
      52,
      { channel: 52, width: 80 },
      { observations: scan('US', { 36: dirty, 40: dirty }) },
    );
    const p = change(plan(ctx));
    expect(p.actionType).toBe('CHANNEL_CHANGE');
    expect(changesIn(ctx, p)).toEqual([{ param: 'channel', oldValue: 52, newValue: 149 }]);
    expectOwnRadioStep(ctx, p);
    expect(p.scores?.length).toBeGreaterThan(0);
    expect(p.explanation).toContain('52');
  });

  it('moves when the radar is on a secondary sub-channel of the operating channel', () => {
    const ctx = radarCtx(60, { channel: 52, width: 80 });
    const { channel } = newChannelOf(ctx, plan(ctx));
    expect(isDfsChannel('5g', channel, 'US')).toBe(false);
    expect([36, 149]).toContain(channel);
  });

  it('never picks a DFS channel, even when the non-DFS ones are worse', () => {
    const bad = { nonWifiDutyCyclePct: 90, neighborCount: 10, strongestNeighborDbm: -40 };
    const overrides = Object.fromEntries([36, 40, 44, 48, 149, 153, 157, 161, 165].map((c) => [c, bad]));
    const ctx = radarCtx(100, { channel: 100, width: 40 }, { observations: scan('US', overrides) });
    const { channel, width } = newChannelOf(ctx, plan(ctx));
    // No width change means the radio kept its 40 MHz.
    const newWidth = width === 0 ? 40 : width;
    expect([20, 40]).toContain(newWidth);
    const block = bondedSubchannels('5g', channel, newWidth as 20 | 40, 'US');
    expect(block.length).toBeGreaterThan(0);
    for (const c of block) expect(isDfsChannel('5g', c, 'US')).toBe(false);
  });

  it('does nothing when the radar is outside the operating bonded channel', () => {
    expect(plan(radarCtx(100, { channel: 52, width: 80 })).kind).toBe('no_action');
    expect(plan(radarCtx(64, { channel: 52, width: 40 })).kind).toBe('no_action');
  });

  it('in the EU moves 52/80 to 36/80, the only non-DFS 80 MHz channel', () => {
    const ctx = radarCtx(52, { channel: 52, width: 80 }, { domain: 'EU' });
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'channel', oldValue: 52, newValue: 36 }]);
  });

  it('narrows when the non-DFS channel of the current width is closed in part (EU)', () => {
    const ctx = radarCtx(52, { channel: 52, width: 80 }, { domain: 'EU', closed: [36] });
    const { channel, width } = newChannelOf(ctx, plan(ctx));
    expect(width).toBe(40);
    expect(channel).toBe(44);
  });

  it('stays off the channels the controller refused for radar', () => {
    const ctx = radarCtx(52, { channel: 52, width: 80 }, { unavailable: [40] });
    expect(newChannelOf(ctx, plan(ctx)).channel).toBe(149);
  });

  it('never lands on a closed sub-channel', () => {
    // 149–161 closed: 36/80 is the only non-DFS 80 MHz channel left, even when it is the dirtier one.
    const dirty = { nonWifiDutyCyclePct: 50 };
    const ctx = radarCtx(
      52,
      { channel: 52, width: 80 },
      { closed: [149, 153, 157, 161], observations: scan('US', { 36: dirty, 44: dirty }) },
    );
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'channel', oldValue: 52, newValue: 36 }]);
  });

  it('is impossible when every non-DFS channel is closed', () => {
    expect(
      plan(radarCtx(52, { channel: 52, width: 80 }, { domain: 'EU', closed: [36, 40, 44, 48] })).kind,
    ).toBe('impossible');
    const us = plan(
      radarCtx(52, { channel: 52, width: 80 }, { closed: [36, 40, 44, 48, 149, 153, 157, 161, 165] }),
    );
    expect(us.kind).toBe('impossible');
    expect(us.explanation).toContain('radar on channel 52');
  });
});

describe('interference planner (NON_WIFI_BURST)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.NON_WIFI_BURST.plan(ctx);
  const input = (
    confidence: number,
    config: Partial<RadioState>,
    data: EventData['NON_WIFI_BURST'] = {},
    o: { closed?: number[]; policy?: Policy; observations?: ChannelObservation[] } = {},
  ) =>
    context({
      event: event('NON_WIFI_BURST', data, { confidence }),
      ap: ap5g(config),
      observations: o.observations ?? scan('US'),
      closed: o.closed,
      policy: o.policy ?? DEFAULT_POLICY,
    });

  it.each([0.8, 0.95, 1])('changes channel at confidence %p, away from the interferer', (confidence) => {
    const ctx = input(confidence, { channel: 36, width: 80 }, { channel: 44 });
    const p = plan(ctx);
    expect(change(p).actionType).toBe('CHANNEL_CHANGE');
    expectOwnRadioStep(ctx, p);
    const { channel } = newChannelOf(ctx, p);
    const block = bondedSubchannels('5g', channel, 80, 'US');
    expect(block).not.toContain(44);
    expect(block).not.toContain(36);
    expect(block.length).toBe(4);
  });

  it("takes the radio's own channel as the interferer's when the event names none", () => {
    const ctx = input(0.9, { channel: 149, width: 20 });
    const { channel } = newChannelOf(ctx, plan(ctx));
    expect(channel).not.toBe(149);
  });

  it('may move to a DFS channel (only radar moves exclude DFS) when it is clearly the best', () => {
    const bad = { nonWifiDutyCyclePct: 95 };
    const overrides = Object.fromEntries([36, 40, 44, 48, 149, 153, 157, 161, 165].map((c) => [c, bad]));
    const ctx = input(0.9, { channel: 36, width: 80 }, {}, { observations: scan('US', overrides) });
    expect(isDfsChannel('5g', newChannelOf(ctx, plan(ctx)).channel, 'US')).toBe(true);
  });

  it('does nothing when the interferer is outside the operating channel', () => {
    expect(plan(input(0.9, { channel: 36, width: 80 }, { channel: 149 })).kind).toBe('no_action');
    expect(plan(input(0.6, { channel: 36, width: 40 }, { channel: 44 })).kind).toBe('no_action');
  });

  it.each([0.5, 0.6, 0.79])(
    'raises OBSS-PD by 3 dB at confidence %p and caps TX power by the 1:1 rule',
    (c) => {
      const ctx = input(c, { channel: 36, width: 80, obssPdDbm: -82, txPowerDbm: 20 });
      const p = change(plan(ctx));
      expect(p.actionType).toBe('OBSS_PD_TUNE');
      expectOwnRadioStep(ctx, p);
      // −79 dBm is 3 dB above −82: max TX 21 − 3 = 18 dBm.
      expect(maxTxPowerForObssPd(-79)).toBe(18);
      const changes = changesIn(ctx, p);
      expect(changes).toEqual(
        expect.arrayContaining([
          { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
          { param: 'txPowerDbm', oldValue: 20, newValue: 18 },
        ]),
      );
      expect(changes).toHaveLength(2);
    },
  );

  it('leaves TX power alone when it is already below the cap', () => {
    const ctx = input(0.6, { obssPdDbm: -76, txPowerDbm: 12 }, { channel: 56 });
    // −73 dBm → max TX 21 − 9 = 12 dBm: not above it.
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'obssPdDbm', oldValue: -76, newValue: -73 }]);
  });

  it('caps OBSS-PD at −62 dBm', () => {
    const ctx = input(0.6, { obssPdDbm: -64, txPowerDbm: 10 });
    expect(changesIn(ctx, plan(ctx))).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -64, newValue: -62 },
        { param: 'txPowerDbm', oldValue: 10, newValue: 1 },
      ]),
    );
  });

  it('does nothing when OBSS-PD is already at the cap', () => {
    expect(plan(input(0.6, { obssPdDbm: -62, txPowerDbm: 1 })).kind).toBe('no_action');
  });

  it('follows the policy: step, cap and channel-change threshold', () => {
    const policy = policyWith({
      interference: { obssPdStepDb: 5, obssPdCapDbm: -70, channelChangeMinConfidence: 0.95 },
    });
    const ctx = input(0.9, { obssPdDbm: -82, txPowerDbm: 20 }, {}, { policy });
    const p = plan(ctx);
    expect(change(p).actionType).toBe('OBSS_PD_TUNE');
    expect(changesIn(ctx, p)).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -82, newValue: -77 },
        { param: 'txPowerDbm', oldValue: 20, newValue: 16 },
      ]),
    );
    const cappedCtx = input(0.6, { obssPdDbm: -72, txPowerDbm: 5 }, {}, { policy });
    expect(changesIn(cappedCtx, plan(cappedCtx))).toEqual([
      { param: 'obssPdDbm', oldValue: -72, newValue: -70 },
    ]);
  });

  it('is impossible when every other channel is closed', () => {
    const others = channelsOfBand('5g', 'US').filter((c) => c !== 52);
    expect(plan(input(0.9, { channel: 52, width: 20 }, {}, { closed: others })).kind).toBe('impossible');
  });
});

describe('spectrum planner (SPECTRUM_SAT)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.SPECTRUM_SAT.plan(ctx);
  // No scan: the planner declared it needs none.
  const input = (config: Partial<RadioState>, data: EventData['SPECTRUM_SAT'] = {}, policy?: Policy) =>
    context({ event: event('SPECTRUM_SAT', data), ap: ap5g(config), policy });

  it('raises OBSS-PD by 3 dB and lowers TX power to the 1:1 cap', () => {
    const ctx = input({ obssPdDbm: -82, txPowerDbm: 20 }, { utilizationPct: 85 });
    const p = change(plan(ctx));
    expect(p.actionType).toBe('OBSS_PD_TUNE');
    expectOwnRadioStep(ctx, p);
    expect(changesIn(ctx, p)).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
        { param: 'txPowerDbm', oldValue: 20, newValue: 18 },
      ]),
    );
    expect(changesIn(ctx, p)).toHaveLength(2);
    expect(p.explanation).toContain('85');
  });

  it('keeps TX power when it is under the new cap', () => {
    // −76 → −73 dBm: cap 21 − 9 = 12 dBm; 10 dBm stays.
    const ctx = input({ obssPdDbm: -76, txPowerDbm: 10 });
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'obssPdDbm', oldValue: -76, newValue: -73 }]);
  });

  it('stops at −62 dBm and does nothing at the cap', () => {
    const ctx = input({ obssPdDbm: -63, txPowerDbm: 5 });
    // −62 dBm: cap 21 − 20 = 1 dBm.
    expect(changesIn(ctx, plan(ctx))).toEqual([
      { param: 'obssPdDbm', oldValue: -63, newValue: -62 },
      { param: 'txPowerDbm', oldValue: 5, newValue: 1 },
    ]);
    expect(plan(input({ obssPdDbm: -62, txPowerDbm: 1 })).kind).toBe('no_action');
  });

  it('follows the policy step and cap', () => {
    const policy = policyWith({ interference: { obssPdStepDb: 4, obssPdCapDbm: -75 } });
    const ctx = input({ obssPdDbm: -82, txPowerDbm: 20 }, {}, policy);
    expect(changesIn(ctx, plan(ctx))).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -82, newValue: -78 },
        { param: 'txPowerDbm', oldValue: 20, newValue: 17 },
      ]),
    );
    expect(plan(input({ obssPdDbm: -75, txPowerDbm: 14 }, {}, policy)).kind).toBe('no_action');
  });
});

describe('density planner (DENSITY_SPIKE)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.DENSITY_SPIKE.plan(ctx);
  const input = (state: Partial<RadioState>, policy?: Policy, radio: '2g' | '5g' = '5g') =>
    context({
      event: event('DENSITY_SPIKE', { associationsPerMin: 40 }, { radio }),
      ap: ap(OWN, { '2g': { clientCount: 11 }, '5g': state }),
      policy,
    });

  it('caps admission at the current client count (default headroom 0)', () => {
    const ctx = input({ clientCount: 42 });
    const p = change(plan(ctx));
    expect(p.actionType).toBe('ADMISSION_CONTROL');
    expectOwnRadioStep(ctx, p);
    expect(changesIn(ctx, p)).toEqual([{ param: 'admissionCap', oldValue: null, newValue: 42 }]);
  });

  it('adds the policy headroom to the cap', () => {
    const ctx = input({ clientCount: 42 }, policyWith({ density: { capHeadroom: 5 } }));
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'admissionCap', oldValue: null, newValue: 47 }]);
  });

  it("caps the event's radio with that radio's count", () => {
    const ctx = input({ clientCount: 42 }, undefined, '2g');
    const p = change(plan(ctx));
    expect(p.steps).toEqual([
      { kind: 'radio', apId: OWN, radio: '2g', from: ctx.radio.config, target: { admissionCap: 11 } },
    ]);
  });

  it('does nothing when admission is already capped at or below the new cap', () => {
    expect(plan(input({ clientCount: 42, admissionCap: 42 })).kind).toBe('no_action');
    expect(plan(input({ clientCount: 42, admissionCap: 30 })).kind).toBe('no_action');
    expect(
      plan(input({ clientCount: 42, admissionCap: 45 }, policyWith({ density: { capHeadroom: 5 } }))).kind,
    ).toBe('no_action');
  });

  it('tightens a looser existing cap', () => {
    const ctx = input({ clientCount: 42, admissionCap: 60 });
    expect(changesIn(ctx, plan(ctx))).toEqual([{ param: 'admissionCap', oldValue: 60, newValue: 42 }]);
  });
});

describe('failover planner (HW_FAILURE)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.HW_FAILURE.plan(ctx);
  const input = (
    neighbours: ReturnType<typeof ap>[],
    o: { adminStatus?: 'UP' | 'DOWN'; policy?: Policy } = {},
  ) =>
    context({
      event: event('HW_FAILURE', { component: 'radio-5g' }),
      ap: ap(OWN, { '5g': {} }, { status: 'DOWN', adminStatus: o.adminStatus ?? 'UP' }),
      neighbours,
      policy: o.policy,
    });
  const configOf = (a: ReturnType<typeof ap>, radio: '2g' | '5g' | '6g') => radioOf(a, radio)!.config;

  it('marks the AP down and raises each UP neighbour radio by 3 dB within min(21 dBm, the 1:1 cap)', () => {
    const ap02 = ap('ap-02', {
      '2g': { txPowerDbm: 20, clientCount: 3 },
      '5g': { txPowerDbm: 15, clientCount: 9 },
    });
    // 5g: OBSS-PD −79 allows 18 dBm, already above it; 6g already at 21 dBm.
    const ap03 = ap('ap-03', { '5g': { txPowerDbm: 19, obssPdDbm: -79 }, '6g': { txPowerDbm: 21 } });
    const ap04 = ap('ap-04', { '5g': { txPowerDbm: 10 } }, { status: 'DOWN' });
    const ap05 = ap('ap-05', { '5g': { txPowerDbm: 10 } }, { adminStatus: 'DOWN' });
    // 1:1 rule: OBSS-PD −70 allows 21 − 12 = 9 dBm, so 8 dBm rises by 1 only.
    const ap06 = ap('ap-06', { '6g': { txPowerDbm: 8, obssPdDbm: -70 } });
    const ctx = input([ap02, ap03, ap04, ap05, ap06]);
    const p = change(plan(ctx));
    expect(p.actionType).toBe('FAILOVER');
    expect(p.steps[0]).toEqual({ kind: 'admin', apId: OWN, from: 'UP', to: 'DOWN' });
    expect(p.steps).toHaveLength(4);
    expect(p.steps.slice(1)).toEqual(
      expect.arrayContaining([
        { kind: 'radio', apId: 'ap-02', radio: '2g', from: configOf(ap02, '2g'), target: { txPowerDbm: 21 } },
        { kind: 'radio', apId: 'ap-02', radio: '5g', from: configOf(ap02, '5g'), target: { txPowerDbm: 18 } },
        { kind: 'radio', apId: 'ap-06', radio: '6g', from: configOf(ap06, '6g'), target: { txPowerDbm: 9 } },
      ]),
    );
    expect(changesIn(ctx, p)).toEqual(
      expect.arrayContaining([
        { param: 'adminStatus', oldValue: 'UP', newValue: 'DOWN' },
        { param: 'ap-02.2g.txPowerDbm', oldValue: 20, newValue: 21 },
        { param: 'ap-02.5g.txPowerDbm', oldValue: 15, newValue: 18 },
        { param: 'ap-06.6g.txPowerDbm', oldValue: 8, newValue: 9 },
      ]),
    );
  });

  it('follows the policy raise and TX ceiling', () => {
    const ap02 = ap('ap-02', { '5g': { txPowerDbm: 15 }, '6g': { txPowerDbm: 17 } });
    const policy = policyWith({ failover: { txPowerRaiseDb: 2, maxTxPowerDbm: 18 } });
    const ctx = input([ap02], { policy });
    expect(radioSteps(plan(ctx)).map((s) => [s.radio, s.target])).toEqual(
      expect.arrayContaining([
        ['5g', { txPowerDbm: 17 }],
        ['6g', { txPowerDbm: 18 }],
      ]),
    );
  });

  it('only raises the neighbours when the AP is already marked down', () => {
    const ap02 = ap('ap-02', { '5g': { txPowerDbm: 15 } });
    const p = change(plan(input([ap02], { adminStatus: 'DOWN' })));
    expect(p.steps.map((s) => s.kind)).toEqual(['radio']);
  });

  it('only marks the AP down when no neighbour can raise its TX power', () => {
    const ap02 = ap('ap-02', { '5g': { txPowerDbm: 21 } });
    const p = change(plan(input([ap02])));
    expect(p.steps).toEqual([{ kind: 'admin', apId: OWN, from: 'UP', to: 'DOWN' }]);
    expect(change(plan(input([]))).steps).toEqual([{ kind: 'admin', apId: OWN, from: 'UP', to: 'DOWN' }]);
  });

  it('does nothing when the AP is already down and the neighbours are at their limits', () => {
    const ap02 = ap('ap-02', { '5g': { txPowerDbm: 21 }, '6g': { txPowerDbm: 9, obssPdDbm: -70 } });
    const ap03 = ap('ap-03', { '5g': { txPowerDbm: 5 } }, { status: 'DOWN' });
    expect(plan(input([ap02, ap03], { adminStatus: 'DOWN' })).kind).toBe('no_action');
  });
});

describe('power planner (POWER_BUDGET_EXCEEDED)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.POWER_BUDGET_EXCEEDED.plan(ctx);
  const input = (
    tx: Partial<Record<'2g' | '5g' | '6g', number>>,
    power: { budgetWatts: number; drawWatts: number },
    o: { policy?: Policy; radio?: '2g' | '5g' | '6g' } = {},
  ) =>
    context({
      event: event('POWER_BUDGET_EXCEEDED', power, { radio: o.radio ?? '5g' }),
      ap: ap(
        OWN,
        Object.fromEntries(
          Object.entries(tx).map(([radio, txPowerDbm]) => [radio, { txPowerDbm, clientCount: 4 }]),
        ),
        { power },
      ),
      policy: o.policy,
    });
  const finalTx = (ctx: PlanningContext, p: ActionPlan): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [radio, state] of Object.entries(ctx.ap.radios)) out[radio] = state!.txPowerDbm;
    for (const s of radioSteps(p)) {
      expect(s.apId).toBe(OWN);
      expect(s.from).toEqual(radioOf(ctx.ap, s.radio)!.config);
      expect(Object.keys(s.target)).toEqual(['txPowerDbm']);
      out[s.radio] = s.target.txPowerDbm!;
    }
    return out;
  };

  it('lowers the loudest radio 1 dB at a time until the estimated draw fits', () => {
    // 0.75 W over at 0.25 W/dB: 3 dB, all taken from the 20 dBm radio (20 → 17 never drops below the 17 dBm one).
    const ctx = input({ '2g': 14, '5g': 20, '6g': 17 }, { budgetWatts: 25, drawWatts: 25.75 });
    const p = change(plan(ctx));
    expect(p.actionType).toBe('TX_POWER_REDUCTION');
    expect(p.steps).toHaveLength(1);
    expect(finalTx(ctx, p)).toEqual({ '2g': 14, '5g': 17, '6g': 17 });
    expect(changesIn(ctx, p)).toEqual([{ param: 'txPowerDbm', oldValue: 20, newValue: 17 }]);
  });

  it('rounds a partial dB up: 1.2 dB needed lowers 2 dB', () => {
    // 0.3 W over at 0.25 W/dB = 1.2 dB.
    const ctx = input({ '5g': 20, '6g': 10 }, { budgetWatts: 25, drawWatts: 25.3 });
    expect(finalTx(ctx, plan(ctx))).toEqual({ '5g': 18, '6g': 10 });
  });

  it('spreads the reduction over radios that become the loudest, naming other radios by band', () => {
    // 5 dB: 20 → 18 evens the 5g radio with the 6g one, the other 3 dB alternate between them.
    const ctx = input(
      { '2g': 10, '5g': 20, '6g': 18 },
      { budgetWatts: 20, drawWatts: 21.25 },
      { radio: '2g' },
    );
    const p = change(plan(ctx));
    const tx = finalTx(ctx, p);
    expect(tx['2g']).toBe(10);
    expect([tx['5g'], tx['6g']].sort()).toEqual([16, 17]);
    expect(
      changesIn(ctx, p)
        .map((c) => c.param)
        .sort(),
    ).toEqual(['5g.txPowerDbm', '6g.txPowerDbm']);
  });

  it('uses the policy watts per dB', () => {
    const ctx = input(
      { '5g': 20 },
      { budgetWatts: 25, drawWatts: 27 },
      { policy: policyWith({ power: { wattsPerTxDb: 1 } }) },
    );
    expect(finalTx(ctx, plan(ctx))).toEqual({ '5g': 18 });
  });

  it('does nothing within budget', () => {
    expect(plan(input({ '5g': 20 }, { budgetWatts: 25, drawWatts: 25 })).kind).toBe('no_action');
    expect(plan(input({ '5g': 20 }, { budgetWatts: 25, drawWatts: 12 })).kind).toBe('no_action');
  });

  it('stops at the TX floor and says how much is still missing', () => {
    // 4 dB needed; the 5g radio can give 2 (7 → 5), the 2g radio is at the 5 dBm floor.
    const ctx = input({ '2g': 5, '5g': 7 }, { budgetWatts: 25, drawWatts: 26 });
    const p = change(plan(ctx));
    expect(finalTx(ctx, p)).toEqual({ '2g': 5, '5g': 5 });
    expect(p.explanation).toContain('2 dB short');
  });

  it('follows the policy floor', () => {
    const ctx = input(
      { '5g': 12 },
      { budgetWatts: 25, drawWatts: 30 },
      { policy: policyWith({ power: { minTxPowerDbm: 10 } }) },
    );
    expect(finalTx(ctx, plan(ctx))).toEqual({ '5g': 10 });
  });

  it('is impossible when every radio is already at the floor', () => {
    expect(plan(input({ '2g': 5, '5g': 5 }, { budgetWatts: 25, drawWatts: 26 })).kind).toBe('impossible');
    expect(plan(input({ '5g': 3 }, { budgetWatts: 25, drawWatts: 26 })).kind).toBe('impossible');
  });

  it('lowers exactly 3 dB for 30.3 W against 30 W at 0.1 W/dB (no floating-point overshoot)', () => {
    const ctx = input(
      { '5g': 20 },
      { budgetWatts: 30, drawWatts: 30.3 },
      { policy: policyWith({ power: { wattsPerTxDb: 0.1 } }) },
    );
    expect(finalTx(ctx, plan(ctx))).toEqual({ '5g': 17 });
  });

  it('property: fits with the fewest dB, loudest first, never below the floor', () => {
    const tx = fc.integer({ min: 0, max: 24 });
    fc.assert(
      fc.property(
        fc.record({ '2g': tx, '5g': tx, '6g': tx }),
        fc.integer({ min: 10, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (radios, budget, quartersOver) => {
          // Draws a whole number of 0.25 W above the budget: exact in binary floating point.
          const draw = budget + quartersOver * 0.25;
          const ctx = input(radios, { budgetWatts: budget, drawWatts: draw });
          const p = plan(ctx);
          const floor = DEFAULT_POLICY.power.minTxPowerDbm;
          const reducible = Object.values(radios).reduce((n, v) => n + Math.max(0, v - floor), 0);
          if (quartersOver === 0) return expect(p.kind).toBe('no_action');
          if (reducible === 0) return expect(p.kind).toBe('impossible');
          const after = finalTx(ctx, p);
          const lowered = Object.keys(radios).filter((r) => after[r] < radios[r as '2g']);
          const total = Object.keys(radios).reduce((n, r) => n + radios[r as '2g'] - after[r], 0);
          expect(total).toBe(Math.min(quartersOver, reducible));
          const max = Math.max(...Object.values(after));
          for (const r of Object.keys(radios)) {
            if (after[r] !== radios[r as '2g']) expect(after[r]).toBeGreaterThanOrEqual(floor);
          }
          // Loudest first: a lowered radio ends at most 1 dB below the loudest radio left.
          for (const r of lowered) expect(after[r]).toBeGreaterThanOrEqual(max - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
