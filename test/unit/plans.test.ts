import type { ChannelObservation } from '../../domain/channel-selection';
import type { EventType, RrmEvent } from '../../domain/events';
import {
  planInterferenceResponse,
  planRadarMove,
  radarClosedChannels,
  type ActionPlan,
} from '../../domain/plans';
import { DEFAULT_POLICY, resolvePolicy, type Policy } from '../../domain/policy';
import type { RadioConfig, RadioSnapshot } from '../../domain/radio';
import {
  bondedSubchannels,
  channelsOfBand,
  isDfsChannel,
  type RegulatoryDomain,
} from '../../domain/regulatory';

const T = '2025-03-01T12:00:00.000Z';

const event = (type: EventType, data: Record<string, unknown>, confidence = 1): RrmEvent => ({
  eventId: 'e-1',
  type,
  apId: 'ap-1',
  radio: '5g',
  confidence,
  detectedAt: T,
  receivedAt: T,
  source: 'SENSING_API',
  data,
});

const snapshot = (
  config: Partial<RadioConfig>,
  regulatoryDomain: RegulatoryDomain = 'US',
): RadioSnapshot => ({
  apId: 'ap-1',
  radio: '5g',
  regulatoryDomain,
  version: 7,
  config: { channel: 52, width: 80, txPowerDbm: 20, obssPdDbm: -82, ...config },
});

const obs = (channel: number, o: Partial<ChannelObservation> = {}): ChannelObservation => ({
  channel,
  neighborCount: 0,
  strongestNeighborDbm: null,
  nonWifiDutyCyclePct: 0,
  clientSupportPct: 100,
  ...o,
});

/** A scan of the whole 5 GHz band, clean unless overridden. */
const scan = (
  domain: RegulatoryDomain,
  overrides: Record<number, Partial<ChannelObservation>> = {},
): ChannelObservation[] => channelsOfBand('5g', domain).map((c) => obs(c, overrides[c]));

function change(plan: ActionPlan): Extract<ActionPlan, { kind: 'change' }> {
  if (plan.kind !== 'change') throw new Error(`expected a change, got ${plan.kind}: ${plan.explanation}`);
  return plan;
}

const newChannelOf = (plan: ActionPlan): { channel: number; width: number } => {
  const p = change(plan);
  const channel = p.changes.find((c) => c.param === 'channel')?.newValue;
  const width = p.changes.find((c) => c.param === 'width')?.newValue;
  if (channel === undefined) throw new Error('plan does not change the channel');
  return { channel, width: width ?? 0 };
};

const radarInput = (
  radarChannel: number,
  config: Partial<RadioConfig>,
  o: {
    domain?: RegulatoryDomain;
    observations?: ChannelObservation[];
    blocked?: number[];
    avoid?: number[];
  } = {},
) => ({
  event: event('DFS_RADAR', { channel: radarChannel }),
  radio: snapshot(config, o.domain ?? 'US'),
  observations: o.observations ?? scan(o.domain ?? 'US'),
  blockedChannels: o.blocked ?? [],
  avoidChannels: o.avoid,
  policy: DEFAULT_POLICY,
});

describe('planRadarMove', () => {
  it('moves off radar on the operating channel to the best non-DFS channel, keeping 80 MHz', () => {
    // 36–48 carries interference, so the clean 149/80 is the best non-DFS 80 MHz channel.
    const dirty = { nonWifiDutyCyclePct: 60 };
    const plan = planRadarMove(
      radarInput(52, { channel: 52, width: 80 }, { observations: scan('US', { 36: dirty, 40: dirty }) }),
    );
    const p = change(plan);
    expect(p.actionType).toBe('CHANNEL_CHANGE');
    expect(p.changes).toEqual([{ param: 'channel', oldValue: 52, newValue: 149 }]);
    expect(p.scores?.length).toBeGreaterThan(0);
    expect(p.explanation).toContain('52');
  });

  it('moves when the radar is on a secondary sub-channel of the operating channel', () => {
    const plan = planRadarMove(radarInput(60, { channel: 52, width: 80 }));
    const { channel } = newChannelOf(plan);
    expect(isDfsChannel('5g', channel, 'US')).toBe(false);
    expect([36, 149]).toContain(channel);
  });

  it('never picks a DFS channel, even when the non-DFS ones are worse', () => {
    const bad = { nonWifiDutyCyclePct: 90, neighborCount: 10, strongestNeighborDbm: -40 };
    const overrides = Object.fromEntries([36, 40, 44, 48, 149, 153, 157, 161, 165].map((c) => [c, bad]));
    const plan = planRadarMove(
      radarInput(100, { channel: 100, width: 40 }, { observations: scan('US', overrides) }),
    );
    const { channel, width } = newChannelOf(plan);
    // No width change means the radio kept its 40 MHz.
    const newWidth = width === 0 ? 40 : width;
    expect([20, 40]).toContain(newWidth);
    const block = bondedSubchannels('5g', channel, newWidth as 20 | 40, 'US');
    expect(block.length).toBeGreaterThan(0);
    for (const c of block) expect(isDfsChannel('5g', c, 'US')).toBe(false);
  });

  it('does nothing when the radar is outside the operating bonded channel', () => {
    const plan = planRadarMove(radarInput(100, { channel: 52, width: 80 }));
    expect(plan.kind).toBe('no_action');
    expect(planRadarMove(radarInput(64, { channel: 52, width: 40 })).kind).toBe('no_action');
  });

  it('in the EU moves 52/80 to 36/80, the only non-DFS 80 MHz channel', () => {
    const plan = planRadarMove(radarInput(52, { channel: 52, width: 80 }, { domain: 'EU' }));
    expect(change(plan).changes).toEqual([{ param: 'channel', oldValue: 52, newValue: 36 }]);
  });

  it('narrows when the non-DFS channel of the current width is blocked in part (EU)', () => {
    const plan = planRadarMove(radarInput(52, { channel: 52, width: 80 }, { domain: 'EU', blocked: [36] }));
    const { channel, width } = newChannelOf(plan);
    expect(width).toBe(40);
    expect(channel).toBe(44);
  });

  it('honours extra channels to avoid', () => {
    const plan = planRadarMove(radarInput(52, { channel: 52, width: 80 }, { avoid: [40] }));
    expect(newChannelOf(plan).channel).toBe(149);
  });

  it('is impossible when every non-DFS channel is blocked', () => {
    const plan = planRadarMove(
      radarInput(52, { channel: 52, width: 80 }, { domain: 'EU', blocked: [36, 40, 44, 48] }),
    );
    expect(plan.kind).toBe('impossible');
    const us = planRadarMove(
      radarInput(52, { channel: 52, width: 80 }, { blocked: [36, 40, 44, 48, 149, 153, 157, 161, 165] }),
    );
    expect(us.kind).toBe('impossible');
    expect(us.explanation).toContain('radar on channel 52');
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

describe('planInterferenceResponse', () => {
  const input = (
    confidence: number,
    config: Partial<RadioConfig>,
    data: Record<string, unknown> = {},
    o: { blocked?: number[]; policy?: Policy; observations?: ChannelObservation[] } = {},
  ) => ({
    event: event('NON_WIFI_BURST', data, confidence),
    radio: snapshot(config),
    observations: o.observations ?? scan('US'),
    blockedChannels: o.blocked ?? [],
    policy: o.policy ?? DEFAULT_POLICY,
  });

  it.each([0.8, 0.95, 1])('changes channel at confidence %p, away from the interferer', (confidence) => {
    const plan = planInterferenceResponse(input(confidence, { channel: 36, width: 80 }, { channel: 44 }));
    expect(change(plan).actionType).toBe('CHANNEL_CHANGE');
    const { channel } = newChannelOf(plan);
    const block = bondedSubchannels('5g', channel, 80, 'US');
    expect(block).not.toContain(44);
    expect(block).not.toContain(36);
    expect(block.length).toBe(4);
  });

  it("takes the radio's own channel as the interferer's when the event names none", () => {
    const plan = planInterferenceResponse(input(0.9, { channel: 149, width: 20 }));
    const { channel } = newChannelOf(plan);
    expect(channel).not.toBe(149);
  });

  it('may move to a DFS channel (only radar moves exclude DFS) when it is clearly the best', () => {
    const bad = { nonWifiDutyCyclePct: 95 };
    const overrides = Object.fromEntries([36, 40, 44, 48, 149, 153, 157, 161, 165].map((c) => [c, bad]));
    const plan = planInterferenceResponse(
      input(0.9, { channel: 36, width: 80 }, {}, { observations: scan('US', overrides) }),
    );
    expect(isDfsChannel('5g', newChannelOf(plan).channel, 'US')).toBe(true);
  });

  it('does nothing when the interferer is outside the operating channel', () => {
    expect(planInterferenceResponse(input(0.9, { channel: 36, width: 80 }, { channel: 149 })).kind).toBe(
      'no_action',
    );
    expect(planInterferenceResponse(input(0.6, { channel: 36, width: 40 }, { channel: 44 })).kind).toBe(
      'no_action',
    );
  });

  it.each([0.5, 0.6, 0.79])(
    'raises OBSS-PD by 3 dB at confidence %p and caps TX power by the 1:1 rule',
    (c) => {
      const plan = planInterferenceResponse(
        input(c, { channel: 36, width: 80, obssPdDbm: -82, txPowerDbm: 20 }),
      );
      const p = change(plan);
      expect(p.actionType).toBe('OBSS_PD_TUNE');
      // −79 dBm is 3 dB above −82: max TX 21 − 3 = 18 dBm.
      expect(p.changes).toEqual(
        expect.arrayContaining([
          { param: 'obssPdDbm', oldValue: -82, newValue: -79 },
          { param: 'txPowerDbm', oldValue: 20, newValue: 18 },
        ]),
      );
      expect(p.changes).toHaveLength(2);
    },
  );

  it('leaves TX power alone when it is already below the cap', () => {
    const plan = planInterferenceResponse(input(0.6, { obssPdDbm: -76, txPowerDbm: 12 }, { channel: 56 }));
    // −73 dBm → max TX 21 − 9 = 12 dBm: not above it.
    expect(change(plan).changes).toEqual([{ param: 'obssPdDbm', oldValue: -76, newValue: -73 }]);
  });

  it('caps OBSS-PD at −62 dBm', () => {
    const plan = planInterferenceResponse(input(0.6, { obssPdDbm: -64, txPowerDbm: 10 }));
    expect(change(plan).changes).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -64, newValue: -62 },
        { param: 'txPowerDbm', oldValue: 10, newValue: 1 },
      ]),
    );
  });

  it('does nothing when OBSS-PD is already at the cap', () => {
    const plan = planInterferenceResponse(input(0.6, { obssPdDbm: -62, txPowerDbm: 1 }));
    expect(plan.kind).toBe('no_action');
  });

  it('follows the policy: step, cap and channel-change threshold', () => {
    const policy = resolvePolicy({
      interference: { obssPdStepDb: 5, obssPdCapDbm: -70, channelChangeMinConfidence: 0.95 },
    });
    if (!policy.ok) throw new Error(policy.errors.join('; '));
    const p = planInterferenceResponse(
      input(0.9, { obssPdDbm: -82, txPowerDbm: 20 }, {}, { policy: policy.policy }),
    );
    expect(change(p).actionType).toBe('OBSS_PD_TUNE');
    expect(change(p).changes).toEqual(
      expect.arrayContaining([
        { param: 'obssPdDbm', oldValue: -82, newValue: -77 },
        { param: 'txPowerDbm', oldValue: 20, newValue: 16 },
      ]),
    );
    const capped = planInterferenceResponse(
      input(0.6, { obssPdDbm: -72, txPowerDbm: 5 }, {}, { policy: policy.policy }),
    );
    expect(change(capped).changes).toEqual([{ param: 'obssPdDbm', oldValue: -72, newValue: -70 }]);
  });

  it('is impossible when every other channel is blocked', () => {
    const others = channelsOfBand('5g', 'US').filter((c) => c !== 52);
    const plan = planInterferenceResponse(input(0.9, { channel: 52, width: 20 }, {}, { blocked: others }));
    expect(plan.kind).toBe('impossible');
  });
});
