import fc from 'fast-check';

import {
  CHANNEL_SCORE_WEIGHTS,
  UNOBSERVED_COMPONENT_SCORE,
  candidateScores,
  interferenceScore,
  overlapScore,
  selectChannel,
  type CandidateScore,
  type ChannelObservation,
  type ChannelSelection,
  type ChannelSelectionRequest,
} from '../../domain/channel-selection';
import {
  PREFERRED_2G_CHANNELS,
  RADIOS,
  REGULATORY_DOMAINS,
  WIDTHS,
  bondedSubchannels,
  channelsOfBand,
  isPermitted,
  permittedChannels,
  widthsUpTo,
  type ChannelWidth,
} from '../../domain/regulatory';
import { touchesDfs } from '../../domain/dfs';
import { obs } from './plan-fixtures';

/** A clean channel: no neighbours, no interference, every client able to use it. */
const clean = obs;

/** A clean scan of the whole band, with per-channel overrides. */
const scan = (
  channels: readonly number[],
  overrides: Record<number, Partial<ChannelObservation>> = {},
): ChannelObservation[] => channels.map((c) => clean(c, overrides[c]));

const US_5G = channelsOfBand('5g', 'US');
const EU_5G = channelsOfBand('5g', 'EU');

const request = (r: Partial<ChannelSelectionRequest>): ChannelSelectionRequest => ({
  radio: '5g',
  regulatoryDomain: 'US',
  currentChannel: 36,
  currentWidth: 80,
  observations: scan(US_5G),
  closedChannels: [],
  avoidChannels: [],
  nonDfsOnly: false,
  ...r,
});

function selected(result: ChannelSelection): Extract<ChannelSelection, { kind: 'selected' }> {
  if (result.kind !== 'selected') throw new Error(`expected a selection, got: ${result.explanation}`);
  return result;
}

const scoreOf = (result: ChannelSelection, channel: number): CandidateScore => {
  const s = selected(result).scores.find((c) => c.channel === channel);
  if (!s) throw new Error(`${channel} is not a candidate`);
  return s;
};

describe('selectChannel: radar move', () => {
  const radar = (overrides: Record<number, Partial<ChannelObservation>>) =>
    request({
      currentChannel: 52,
      currentWidth: 80,
      closedChannels: [52, 56, 60, 64],
      nonDfsOnly: true,
      observations: scan(US_5G, overrides),
    });

  it('moves 52/80 in the US to the cleaner non-DFS 80 MHz channel', () => {
    const dirty149 = radar({ 153: { nonWifiDutyCyclePct: 40 } });
    const a = selected(selectChannel(dirty149));
    expect([a.channel, a.width]).toEqual([36, 80]);
    expect(a.scores.map((s) => s.channel)).toEqual([36, 149]);

    const dirty36 = radar({ 44: { neighborCount: 4, strongestNeighborDbm: -50 } });
    const b = selected(selectChannel(dirty36));
    expect([b.channel, b.width]).toEqual([149, 80]);
    expect(b.explanation).toContain('DFS excluded after radar');
    expect(b.explanation).toContain('closed 52-64');
  });

  it('never offers a DFS candidate, even a much cleaner one', () => {
    const r = radar({
      36: { nonWifiDutyCyclePct: 60 },
      149: { nonWifiDutyCyclePct: 60 },
    });
    const result = selected(selectChannel(r));
    for (const s of result.scores) expect(touchesDfs('5g', s.channel, s.width, 'US')).toBe(false);
  });
});

describe('selectChannel: width', () => {
  it('keeps the current width when a candidate exists', () => {
    const result = selected(
      selectChannel(request({ currentChannel: 36, currentWidth: 80, avoidChannels: [40] })),
    );
    expect(result.width).toBe(80);
    expect(result.scores.every((s) => s.width === 80)).toBe(true);
    expect(result.explanation).not.toContain('narrowed');
  });

  it('narrows to 40 MHz in the EU when the only non-DFS 80 MHz channel has an interferer', () => {
    // EU has one non-DFS 80 MHz channel (36-48); radar closed 52-64, an interferer sits on 44.
    const result = selected(
      selectChannel(
        request({
          regulatoryDomain: 'EU',
          currentChannel: 52,
          currentWidth: 80,
          observations: scan(EU_5G),
          closedChannels: [52, 56, 60, 64],
          avoidChannels: [44],
          nonDfsOnly: true,
        }),
      ),
    );
    expect([result.channel, result.width]).toEqual([36, 40]);
    expect(result.explanation).toContain('narrowed from 80 MHz: no candidate at 80 MHz');
  });

  it('narrows to 20 MHz when every 40 MHz candidate is touched too', () => {
    const result = selected(
      selectChannel(
        request({
          regulatoryDomain: 'EU',
          currentChannel: 52,
          currentWidth: 80,
          observations: scan(EU_5G, { 48: { neighborCount: 1, strongestNeighborDbm: -60 } }),
          closedChannels: [52, 56, 60, 64],
          avoidChannels: [40, 44],
          nonDfsOnly: true,
        }),
      ),
    );
    expect([result.channel, result.width]).toEqual([36, 20]);
    expect(result.scores.map((s) => s.channel)).toEqual([36, 48]);
    expect(result.explanation).toContain('no candidate at 80/40 MHz');
  });

  it('does not widen beyond the current width', () => {
    const result = selected(selectChannel(request({ currentChannel: 36, currentWidth: 40 })));
    expect(result.width).toBe(40);
  });
});

describe('selectChannel: exclusions', () => {
  it('never picks the current bonded channel, even when it is the cleanest', () => {
    const r = request({
      currentChannel: 40, // a secondary of 36/80
      currentWidth: 80,
      observations: scan(US_5G).map((o) =>
        o.channel >= 36 && o.channel <= 48 ? o : { ...o, nonWifiDutyCyclePct: 30 },
      ),
    });
    const result = selected(selectChannel(r));
    expect(result.scores.map((s) => s.channel)).not.toContain(36);
  });

  it('drops a bonded channel when any one of its sub-channels is closed or avoided', () => {
    const result = selected(
      selectChannel(request({ currentChannel: 36, closedChannels: [104], avoidChannels: [161] })),
    );
    const candidates = result.scores.map((s) => s.channel);
    expect(candidates).not.toContain(100);
    expect(candidates).not.toContain(149);
    expect(candidates).toEqual(expect.arrayContaining([52, 116, 132]));
  });

  it("returns 'none' when everything is closed", () => {
    const result = selectChannel(
      request({ currentChannel: 36, currentWidth: 80, closedChannels: [...US_5G] }),
    );
    expect(result.kind).toBe('none');
    expect(result.explanation).toContain('no candidate channel on 5g in US at 80/40/20 MHz');
  });

  it("returns 'none' for a radar move with every non-DFS channel avoided", () => {
    const result = selectChannel(
      request({
        regulatoryDomain: 'EU',
        currentChannel: 52,
        observations: scan(EU_5G),
        closedChannels: [52, 56, 60, 64],
        avoidChannels: [36, 40, 44, 48],
        nonDfsOnly: true,
      }),
    );
    expect(result.kind).toBe('none');
    expect(result.explanation).toContain('DFS excluded after radar');
  });
});

describe('selectChannel: scoring', () => {
  it('scores interference from the non-Wi-Fi duty cycle', () => {
    expect(interferenceScore(0)).toBe(1);
    expect(interferenceScore(25)).toBeCloseTo(0.75);
    expect(interferenceScore(100)).toBe(0);
    expect(interferenceScore(150)).toBe(0);
  });

  it('scores overlap by neighbour count and by how loud the strongest neighbour is', () => {
    expect(overlapScore(0, null)).toBe(1);
    expect(overlapScore(1, -55)).toBeLessThan(overlapScore(1, -85));
    expect(overlapScore(3, -70)).toBeLessThan(overlapScore(1, -70));
    expect(overlapScore(1, -95)).toBeGreaterThan(0.85);
    expect(overlapScore(20, -40)).toBeGreaterThan(0);
  });

  it('ranks a channel lower as its interference grows', () => {
    const base = selectChannel(request({ currentChannel: 36 }));
    const noisy = selectChannel(
      request({ currentChannel: 36, observations: scan(US_5G, { 153: { nonWifiDutyCyclePct: 50 } }) }),
    );
    expect(scoreOf(noisy, 149).interference).toBeCloseTo(0.5);
    expect(scoreOf(noisy, 149).total).toBeLessThan(scoreOf(base, 149).total);
  });

  it('ranks a channel lower with a loud neighbour than with a faint one', () => {
    const loud = selectChannel(
      request({
        currentChannel: 36,
        observations: scan(US_5G, { 149: { neighborCount: 1, strongestNeighborDbm: -55 } }),
      }),
    );
    const faint = selectChannel(
      request({
        currentChannel: 36,
        observations: scan(US_5G, { 149: { neighborCount: 1, strongestNeighborDbm: -85 } }),
      }),
    );
    expect(scoreOf(loud, 149).overlap).toBeLessThan(scoreOf(faint, 149).overlap);
    expect(scoreOf(loud, 149).total).toBeLessThan(scoreOf(faint, 149).total);
  });

  it('aggregates a bonded channel pessimistically over its sub-channels', () => {
    const result = selectChannel(
      request({
        currentChannel: 36,
        observations: scan(US_5G, {
          153: { nonWifiDutyCyclePct: 20 },
          157: { neighborCount: 2, strongestNeighborDbm: -50 },
          161: { clientSupportPct: 70 },
        }),
      }),
    );
    const s = scoreOf(result, 149);
    expect(s.interference).toBeCloseTo(0.8);
    expect(s.overlap).toBeCloseTo(overlapScore(2, -50), 3);
    expect(s.compatibility).toBeCloseTo(0.7);
  });

  it('penalises DFS candidates, EU weather-radar channels most', () => {
    const us = selectChannel(request({ currentChannel: 36 }));
    expect(scoreOf(us, 149).dfs).toBe(1);
    expect(scoreOf(us, 52).dfs).toBeLessThan(1);
    const eu = selectChannel(
      request({ regulatoryDomain: 'EU', currentChannel: 36, observations: scan(EU_5G) }),
    );
    expect(scoreOf(eu, 116).dfs).toBeLessThan(scoreOf(eu, 100).dfs); // 116/80 includes 120-128
  });

  it('counts the CAC outage of a DFS channel the radio has not checked, none for one it keeps available', () => {
    const dfs = (state: ChannelObservation['dfsState']) =>
      Object.fromEntries([52, 56, 60, 64, 100, 104, 108, 112].map((c) => [c, { dfsState: state }]));
    const unchecked = selectChannel(request({ observations: scan(US_5G, dfs('usable')) }));
    const checked = selectChannel(request({ observations: scan(US_5G, dfs('available')) }));
    expect(scoreOf(unchecked, 52)).toMatchObject({ cacMs: 60_000, dfs: 0.5 });
    expect(scoreOf(checked, 52)).toMatchObject({ cacMs: 0, dfs: 0.8 });
    expect(scoreOf(checked, 52).total).toBeGreaterThan(scoreOf(unchecked, 52).total);
    // Still below a clean non-DFS channel (the radar risk stays), and no state reported counts as unchecked.
    expect(scoreOf(checked, 149).total).toBeGreaterThan(scoreOf(checked, 52).total);
    expect(scoreOf(selectChannel(request({})), 52).cacMs).toBe(60_000);
    // One unchecked sub-channel is enough to cost the CAC.
    const mixed = selectChannel(
      request({ observations: scan(US_5G, { ...dfs('available'), 64: { dfsState: 'usable' } }) }),
    );
    expect(scoreOf(mixed, 52).cacMs).toBe(60_000);
    expect(scoreOf(mixed, 100).cacMs).toBe(0);
    const eu = selectChannel(request({ regulatoryDomain: 'EU', observations: scan(EU_5G) }));
    expect(scoreOf(eu, 116).cacMs).toBe(600_000);
  });

  it('says the CAC the chosen channel costs, and never offers channels unavailable after radar', () => {
    const onlyDfs = Object.fromEntries(
      [36, 40, 44, 48, 149, 153, 157, 161, 165].map((c) => [c, { nonWifiDutyCyclePct: 90 }]),
    );
    const unavailable = { 100: { dfsState: 'unavailable' as const } };
    const result = selected(
      selectChannel(request({ currentWidth: 20, observations: scan(US_5G, { ...onlyDfs, ...unavailable }) })),
    );
    expect(result.scores.map((c) => c.channel)).not.toContain(100);
    expect(result.explanation).toContain('CAC 60 s off the air');
    expect(result.explanation).toContain('unavailable after radar 100');
  });

  it('computes the total with the documented weights and lists candidates best first', () => {
    const result = selected(
      selectChannel(
        request({
          currentChannel: 36,
          observations: scan(US_5G, { 104: { nonWifiDutyCyclePct: 10 }, 120: { neighborCount: 2 } }),
        }),
      ),
    );
    for (const s of result.scores) {
      const w = CHANNEL_SCORE_WEIGHTS;
      const expected =
        w.interference * s.interference +
        w.overlap * s.overlap +
        w.compatibility * s.compatibility +
        w.dfs * s.dfs;
      expect(s.total).toBeCloseTo(expected, 3);
    }
    const totals = result.scores.map((s) => s.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(result.channel).toBe(result.scores[0].channel);
  });

  it('breaks ties by the lower channel', () => {
    const result = selected(
      selectChannel(request({ currentChannel: 36, currentWidth: 20, nonDfsOnly: true })),
    );
    expect(result.channel).toBe(40);
    expect(result.explanation).toContain('tie, lower channel wins');
  });

  it('scores a channel without scan data as neutral, below a channel measured clean, and says so', () => {
    const result = selected(
      selectChannel(
        request({
          currentChannel: 52,
          closedChannels: [52, 56, 60, 64],
          nonDfsOnly: true,
          observations: scan([36, 40, 44, 48]),
        }),
      ),
    );
    expect(result.channel).toBe(36);
    expect(scoreOf(result, 149).interference).toBe(UNOBSERVED_COMPONENT_SCORE);
    expect(scoreOf(result, 149).unobserved).toEqual([149, 153, 157, 161]);
    expect(scoreOf(result, 36).unobserved).toBeUndefined();

    const onlyUnscanned = selected(
      selectChannel(
        request({
          currentChannel: 52,
          closedChannels: [52, 56, 60, 64],
          avoidChannels: [40],
          nonDfsOnly: true,
          observations: [],
        }),
      ),
    );
    expect(onlyUnscanned.channel).toBe(149);
    expect(onlyUnscanned.explanation).toContain('no scan data for 149-161, scored neutral');
  });
});

describe('selectChannel: 2.4 GHz', () => {
  it('picks only among 1/6/11, even when an overlapping channel looks cleaner', () => {
    const band = channelsOfBand('2g', 'US');
    const busy = { neighborCount: 3, strongestNeighborDbm: -60, nonWifiDutyCyclePct: 10 };
    const result = selected(
      selectChannel(
        request({
          radio: '2g',
          currentChannel: 6,
          currentWidth: 20,
          observations: scan(band, { 1: busy, 6: busy }),
        }),
      ),
    );
    expect(result.channel).toBe(11);
    expect(result.scores.map((s) => s.channel)).toEqual([11, 1]);
  });

  it('narrows a 40 MHz request to 20 MHz on 2.4 GHz', () => {
    const result = selected(
      selectChannel(request({ radio: '2g', currentChannel: 1, currentWidth: 40, observations: [] })),
    );
    expect(result.width).toBe(20);
    expect(result.explanation).toContain('narrowed from 40 MHz');
  });
});

describe('selectChannel: explanation', () => {
  it('names the choice, its component scores, the runner-up and the candidate count', () => {
    const result = selected(
      selectChannel(
        request({
          currentChannel: 52,
          closedChannels: [52, 56, 60, 64],
          nonDfsOnly: true,
          observations: scan(US_5G, { 149: { nonWifiDutyCyclePct: 15 } }),
        }),
      ),
    );
    const [best, second] = result.scores;
    expect(result.explanation).toMatch(
      new RegExp(
        `^36/80 MHz scored ${best.total.toFixed(2)} \\(interference 1\\.00, overlap 1\\.00, compatibility 1\\.00, DFS 1\\.00\\); ` +
          `runner-up 149/80 MHz ${second.total.toFixed(2)}; 2 candidates`,
      ),
    );
  });
});

describe('selectChannel: properties', () => {
  const arbRequest: fc.Arbitrary<ChannelSelectionRequest> = fc
    .record({
      radio: fc.constantFrom(...RADIOS),
      regulatoryDomain: fc.constantFrom(...REGULATORY_DOMAINS),
      currentWidth: fc.constantFrom(...WIDTHS),
      pick: fc.nat(),
      // Indices into the band, so any band can be drawn from; empty lists are common.
      closed: fc.array(fc.nat(), { maxLength: 12 }),
      avoided: fc.array(fc.nat(), { maxLength: 6 }),
      nonDfsOnly: fc.boolean(),
      looks: fc.array(
        fc.record({
          index: fc.nat(),
          neighborCount: fc.integer({ min: 0, max: 30 }),
          strongestNeighborDbm: fc.option(fc.integer({ min: -100, max: -30 })),
          nonWifiDutyCyclePct: fc.integer({ min: 0, max: 100 }),
          clientSupportPct: fc.integer({ min: 0, max: 100 }),
        }),
        { maxLength: 80 },
      ),
    })
    .map((g) => {
      const band = channelsOfBand(g.radio, g.regulatoryDomain);
      const widths = widthsUpTo(g.currentWidth).filter(
        (w) => permittedChannels(g.radio, w, g.regulatoryDomain).length,
      );
      const width: ChannelWidth = widths[0] ?? 20;
      const current = permittedChannels(g.radio, width, g.regulatoryDomain);
      const at = (indices: number[]) => indices.map((i) => band[i % band.length]);
      return {
        radio: g.radio,
        regulatoryDomain: g.regulatoryDomain,
        currentChannel: current[g.pick % current.length],
        currentWidth: width,
        observations: g.looks.map(({ index, ...o }) => ({ channel: band[index % band.length], ...o })),
        closedChannels: at(g.closed),
        avoidChannels: at(g.avoided),
        nonDfsOnly: g.nonDfsOnly,
      };
    });

  it('only ever selects a permitted channel that is neither closed nor avoided, non-DFS after radar, never the current one', () => {
    fc.assert(
      fc.property(arbRequest, (req) => {
        const result = selectChannel(req);
        const excluded = new Set([...req.closedChannels, ...req.avoidChannels]);
        const eligible = (channel: number, width: ChannelWidth): boolean => {
          const subs = bondedSubchannels(req.radio, channel, width, req.regulatoryDomain);
          return (
            subs[0] === channel &&
            !subs.some((c) => excluded.has(c)) &&
            !(req.nonDfsOnly && touchesDfs(req.radio, channel, width, req.regulatoryDomain)) &&
            !(width === req.currentWidth && subs.includes(req.currentChannel)) &&
            (req.radio !== '2g' || PREFERRED_2G_CHANNELS.includes(channel))
          );
        };
        if (result.kind === 'none') {
          // Completeness: nothing eligible existed at any width.
          for (const w of widthsUpTo(req.currentWidth))
            for (const c of permittedChannels(req.radio, w, req.regulatoryDomain))
              expect(eligible(c, w)).toBe(false);
          return;
        }
        expect(isPermitted(req.radio, result.channel, result.width, req.regulatoryDomain)).toBe(true);
        expect(eligible(result.channel, result.width)).toBe(true);
        expect(result.width).toBeLessThanOrEqual(req.currentWidth);
        // Width is kept when possible: no wider width had an eligible channel.
        for (const w of widthsUpTo(req.currentWidth).filter((x) => x > result.width))
          for (const c of permittedChannels(req.radio, w, req.regulatoryDomain))
            expect(eligible(c, w)).toBe(false);
        for (const s of result.scores) {
          expect(eligible(s.channel, s.width)).toBe(true);
          expect(s.width).toBe(result.width);
          for (const v of [s.interference, s.overlap, s.compatibility, s.dfs, s.total]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        }
        expect(result.scores[0].channel).toBe(result.channel);
        expect(result.explanation).toContain(`${result.channel}/${result.width} MHz scored`);
      }),
      { numRuns: 500, seed: 20240601 },
    );
  });

  it('is deterministic and independent of observation order', () => {
    fc.assert(
      fc.property(arbRequest, (req) => {
        const a = selectChannel(req);
        const b = selectChannel({ ...req, observations: [...req.observations].reverse() });
        expect(b).toEqual(a);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('candidateScores: every channel a joint re-plan may give the radio', () => {
  it('scores the current bonded channel too, at the current width only, without closed or radar channels', () => {
    const scores = candidateScores(
      request({
        currentChannel: 36,
        currentWidth: 80,
        closedChannels: [52],
        observations: scan(US_5G, { 100: { dfsState: 'unavailable' } }),
      }),
    );
    expect(scores.map((s) => s.channel).sort((a, b) => a - b)).toEqual([36, 116, 132, 149]);
    expect(scores.every((s) => s.width === 80)).toBe(true);
    expect(scores[0].channel).toBe(36); // best first: clean and non-DFS, tie broken by the lower channel
  });
});

describe('a choice made blind to its neighbours (drawAmongTies)', () => {
  const request = (drawAmongTies?: string) => ({
    radio: '5g' as const,
    regulatoryDomain: 'US' as const,
    currentChannel: 52,
    currentWidth: 20 as const,
    observations: channelsOfBand('5g', 'US').map((channel) => ({
      channel,
      neighborCount: channel === 149 ? 3 : 0,
      strongestNeighborDbm: channel === 149 ? -60 : null,
      nonWifiDutyCyclePct: 0,
      clientSupportPct: 100,
    })),
    closedChannels: [52],
    avoidChannels: [],
    nonDfsOnly: true,
    ...(drawAmongTies ? { drawAmongTies } : {}),
  });
  const chosen = (seed?: string) => {
    const selection = selectChannel(request(seed));
    if (selection.kind !== 'selected') throw new Error(selection.explanation);
    return selection;
  };

  it('takes the lowest of the tied channels without a seed', () => {
    expect(chosen().channel).toBe(36);
    expect(chosen().explanation).toContain('(tie, lower channel wins)');
  });

  it('draws among the tied channels only, the same for one seed every time, differently across radios', () => {
    const tied = [36, 40, 44, 48, 153, 157, 161, 165]; // 149 has neighbours: never drawn
    const draws = Array.from({ length: 40 }, (_, i) => chosen(`ap-${i}/5g`).channel);
    for (const channel of draws) expect(tied).toContain(channel);
    expect(new Set(draws).size).toBeGreaterThan(4);
    expect(chosen('ap-7/5g').channel).toBe(chosen('ap-7/5g').channel);
    expect(chosen('ap-7/5g').explanation).toContain('(tie of 8, drawn for ap-7/5g)');
  });

  it('does not draw when one channel is best', () => {
    const clear = request('ap-1/5g');
    clear.observations = clear.observations.map((o) => ({ ...o, neighborCount: o.channel === 40 ? 0 : 1 }));
    const selection = selectChannel(clear);
    expect(selection).toMatchObject({ kind: 'selected', channel: 40 });
  });
});
