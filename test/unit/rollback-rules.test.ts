import fc from 'fast-check';

import {
  carriesTraffic,
  DEFAULT_ROLLBACK_THRESHOLDS,
  findDegradation,
  observeSample,
  startMonitoring,
  windowPassed,
  type DegradationRule,
  type MonitorVerdictState,
  type RadioSample,
  type RollbackThresholds,
} from '../../domain/rollback-rules';
import { RollbackThresholdsSchema, validateThresholds } from '../../domain/rollback-thresholds-schema';

const T = DEFAULT_ROLLBACK_THRESHOLDS;

const baseline: RadioSample = {
  per: 0.1,
  retryRate: 0.2,
  throughputMbps: 200,
  disconnectsPerMin: 1,
  avgQoe: 0.8,
};

const rulesOf = (b: RadioSample, s: Partial<RadioSample>, t: RollbackThresholds = T): DegradationRule[] =>
  findDegradation(b, { ...b, ...s }, t).map((f) => f.rule);

describe('findDegradation', () => {
  it('finds nothing when the sample equals the baseline', () => {
    expect(findDegradation(baseline, baseline, T)).toEqual([]);
  });

  it.each<[DegradationRule, Partial<RadioSample>, Partial<RadioSample>]>([
    // rule, beyond the threshold, within it (exactly at the threshold counts as within)
    ['PER', { per: 0.131 }, { per: 0.13 }],
    ['RETRY_RATE', { retryRate: 0.27 }, { retryRate: 0.26 }],
    ['DISCONNECTS', { disconnectsPerMin: 11 }, { disconnectsPerMin: 10 }],
    ['THROUGHPUT', { throughputMbps: 110 }, { throughputMbps: 120 }],
    ['QOE', { avgQoe: 0.63 }, { avgQoe: 0.64 }],
  ])('%s triggers beyond its threshold and not within it', (rule, beyondIt, withinIt) => {
    expect(rulesOf(baseline, beyondIt)).toEqual([rule]);
    expect(rulesOf(baseline, withinIt)).toEqual([]);
  });

  it('never flags an improvement', () => {
    const better: RadioSample = {
      per: 0,
      retryRate: 0,
      throughputMbps: 900,
      disconnectsPerMin: 0,
      avgQoe: 1,
    };
    expect(findDegradation(baseline, better, T)).toEqual([]);
  });

  describe('noise floors', () => {
    it('ignores a large relative PER rise that is tiny in absolute terms', () => {
      const low = { ...baseline, per: 0.01 };
      expect(rulesOf(low, { per: 0.014 })).toEqual([]); // +40 %, +0.004
      expect(rulesOf(low, { per: 0.03 })).toEqual([]); // +200 %, +0.02: at the floor
      expect(rulesOf(low, { per: 0.035 })).toEqual(['PER']);
    });

    it('needs the relative rise too: a big absolute rise on a big baseline is not enough alone', () => {
      expect(rulesOf({ ...baseline, per: 0.2 }, { per: 0.25 })).toEqual([]); // +25 %, +0.05
    });

    it('judges a zero baseline by the floor alone', () => {
      const zero = { ...baseline, per: 0 };
      expect(rulesOf(zero, { per: 0.015 })).toEqual([]);
      expect(rulesOf(zero, { per: 0.03 })).toEqual(['PER']);
      expect(findDegradation(zero, { ...zero, per: 0.03 }, T)[0].change).toBe('PER 0.000 → 0.030 (from 0)');
    });

    it('applies the retry-rate floor', () => {
      expect(rulesOf({ ...baseline, retryRate: 0.05 }, { retryRate: 0.075 })).toEqual([]); // +50 %, +0.025
      expect(rulesOf({ ...baseline, retryRate: 0.05 }, { retryRate: 0.085 })).toEqual(['RETRY_RATE']);
    });

    it('applies the throughput floor', () => {
      expect(rulesOf({ ...baseline, throughputMbps: 8 }, { throughputMbps: 4 })).toEqual([]); // -50 %, 4 Mbps
      expect(rulesOf({ ...baseline, throughputMbps: 10 }, { throughputMbps: 4 })).toEqual(['THROUGHPUT']);
    });

    it('applies the QoE floor', () => {
      expect(rulesOf({ ...baseline, avgQoe: 0.2 }, { avgQoe: 0.15 })).toEqual([]); // -25 %, 0.05
      expect(rulesOf({ ...baseline, avgQoe: 0.2 }, { avgQoe: 0.1 })).toEqual(['QOE']);
    });
  });

  it('blames disconnects on the change only when they rose above the baseline', () => {
    const alreadyBad = { ...baseline, disconnectsPerMin: 15 };
    expect(rulesOf(alreadyBad, { disconnectsPerMin: 14 })).toEqual([]);
    expect(rulesOf(alreadyBad, { disconnectsPerMin: 18 })).toEqual(['DISCONNECTS']);
  });

  it('does not judge a metric missing from the sample', () => {
    expect(rulesOf(baseline, { per: Number.NaN, throughputMbps: 10 })).toEqual(['THROUGHPUT']);
  });

  it('follows configured thresholds', () => {
    const strict = { ...T, perIncreasePct: 10, perNoiseFloor: 0.001 };
    expect(rulesOf(baseline, { per: 0.12 }, strict)).toEqual(['PER']);
    expect(rulesOf(baseline, { per: 0.12 })).toEqual([]); // +20 %;
  });

  it('describes each finding for the audit reason', () => {
    const findings = findDegradation(
      { per: 0.02, retryRate: 0.1, throughputMbps: 120, disconnectsPerMin: 2, avgQoe: 0.8 },
      { per: 0.081, retryRate: 0.2, throughputMbps: 50, disconnectsPerMin: 14, avgQoe: 0.55 },
      T,
    );
    expect(Object.fromEntries(findings.map((f) => [f.rule, f.change]))).toEqual({
      PER: 'PER 0.020 → 0.081 (+305 %)',
      RETRY_RATE: 'retry rate 0.100 → 0.200 (+100 %)',
      THROUGHPUT: 'throughput 120.0 → 50.0 Mbps (-58 %)',
      QOE: 'QoE 0.80 → 0.55 (-31 %)',
      DISCONNECTS: 'disconnects 2.0 → 14.0 /min (limit 10 /min)',
    });
    expect(findings.find((f) => f.rule === 'PER')).toMatchObject({ baseline: 0.02, observed: 0.081 });
  });

  it('never flags a sample that is no worse than the baseline on every metric', () => {
    const sample = fc.record({
      per: fc.double({ min: 0, max: 1, noNaN: true }),
      retryRate: fc.double({ min: 0, max: 1, noNaN: true }),
      throughputMbps: fc.double({ min: 0, max: 2000, noNaN: true }),
      disconnectsPerMin: fc.double({ min: 0, max: 100, noNaN: true }),
      avgQoe: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(sample, sample, (b, s) => {
        const noWorse: RadioSample = {
          per: Math.min(b.per, s.per),
          retryRate: Math.min(b.retryRate, s.retryRate),
          throughputMbps: Math.max(b.throughputMbps, s.throughputMbps),
          disconnectsPerMin: Math.min(b.disconnectsPerMin, s.disconnectsPerMin),
          avgQoe: Math.max(b.avgQoe, s.avgQoe),
        };
        expect(findDegradation(b, noWorse, T)).toEqual([]);
      }),
      { seed: 42 },
    );
  });
});

describe('observeSample', () => {
  const healthy = baseline;
  const degraded: RadioSample = { ...baseline, per: 0.2 };

  /** The outcomes of `samples` folded in turn into a window judged against `from`. */
  const runFrom = (from: RadioSample | undefined, samples: RadioSample[], t: RollbackThresholds = T) => {
    let state: MonitorVerdictState = startMonitoring(from);
    return samples.map((s) => {
      const out = observeSample(state, s, t);
      state = out.state;
      return out;
    });
  };
  const run = (samples: RadioSample[], t: RollbackThresholds = T) => runFrom(baseline, samples, t);

  it('does not roll back on a single degraded sample', () => {
    const [first] = run([degraded]);
    expect(first).toMatchObject({ judged: true, rollback: false });
    expect(first.findings.map((f) => f.rule)).toEqual(['PER']);
    expect(first.state).toEqual({
      baseline,
      consecutiveDegraded: 1,
      samples: 1,
      lastFindings: first.findings,
      withoutTraffic: 0,
    });
  });

  it('rolls back on the second consecutive degraded sample', () => {
    expect(run([healthy, degraded, degraded]).map((o) => o.rollback)).toEqual([false, false, true]);
  });

  it('counts any breached rule toward the streak', () => {
    const lowThroughput = { ...baseline, throughputMbps: 50 };
    expect(run([degraded, lowThroughput]).map((o) => o.rollback)).toEqual([false, true]);
  });

  it('resets the streak on a healthy sample', () => {
    const outs = run([degraded, healthy, degraded, healthy, degraded]);
    expect(outs.map((o) => o.rollback)).toEqual([false, false, false, false, false]);
    expect(outs[1].state).toMatchObject({ consecutiveDegraded: 0, samples: 2, lastFindings: [] });
    expect(outs[4].state.samples).toBe(5);
  });

  it('honours a configured number of consecutive samples', () => {
    const three = { ...T, consecutiveSamples: 3 };
    expect(run([degraded, degraded, degraded], three).map((o) => o.rollback)).toEqual([false, false, true]);
    const one = { ...T, consecutiveSamples: 1 };
    expect(run([degraded], one)[0].rollback).toBe(true);
  });

  it('takes the first sample as the baseline when the one before the change was lost', () => {
    const outs = runFrom(undefined, [healthy, degraded, degraded]);
    expect(outs.map((o) => [o.judged, o.rollback])).toEqual([
      [false, false],
      [true, false],
      [true, true],
    ]);
    expect(outs[0].state.baseline).toBe(healthy);
  });

  it('does not mutate the state it is given', () => {
    const start = startMonitoring(baseline);
    const before = structuredClone(start);
    observeSample(start, degraded, T);
    observeSample(start, { ...degraded, clientCount: 0 }, T);
    expect(start).toEqual(before);
  });

  describe('traffic', () => {
    // The production case: a radio just off radar, its clients re-associating, read as all zeros.
    const idle: RadioSample = {
      per: 0,
      retryRate: 0,
      throughputMbps: 0,
      disconnectsPerMin: 0,
      avgQoe: 1,
      clientCount: 0,
      airtimePct: 5,
    };
    const busy: RadioSample = { ...baseline, clientCount: 12, airtimePct: 30 };

    it('replaces a baseline without traffic by the first sample with traffic, unjudged', () => {
      const risen = { ...busy, per: 0.048, retryRate: 0.1 }; // "PER 0.000 → 0.048 (from 0)" from idle
      expect(rulesOf(idle, risen)).toEqual(['PER', 'RETRY_RATE']);
      const outs = runFrom(idle, [risen, risen, risen]);
      expect(outs.map((o) => [o.judged, o.rollback])).toEqual([
        [false, false],
        [true, false],
        [true, false],
      ]);
      expect(outs[2].state).toMatchObject({ baseline: risen, samples: 2, withoutTraffic: 0 });
    });

    it('sets samples without traffic aside while the baseline has none', () => {
      const outs = runFrom(idle, [idle, idle]);
      expect(outs.map((o) => o.judged)).toEqual([false, false]);
      expect(outs[1].state).toMatchObject({ baseline: idle, samples: 0, withoutTraffic: 2 });
    });

    it('judges a sample without traffic against a baseline with traffic: every client gone is degraded', () => {
      const deserted = { ...idle, disconnectsPerMin: 12 };
      const outs = runFrom(busy, [deserted, deserted]);
      expect(outs.map((o) => [o.judged, o.rollback])).toEqual([
        [true, false],
        [true, true],
      ]);
      expect(outs[1].findings.map((f) => f.rule)).toEqual(['THROUGHPUT', 'DISCONNECTS']);
    });

    it('takes an airtime below the floor as no traffic, whatever the clients', () => {
      const quiet = { ...busy, airtimePct: 1 };
      expect(runFrom(quiet, [degraded])[0]).toMatchObject({ judged: false, state: { baseline: degraded } });
    });
  });
});

describe('carriesTraffic', () => {
  const sample: RadioSample = { ...baseline, clientCount: 1, airtimePct: 6.5 };

  it('needs a client and airtime of its own at the floors (one active client in the simulator is 6.5 %)', () => {
    expect(carriesTraffic(sample, T)).toBe(true);
    expect(carriesTraffic({ ...sample, clientCount: 0 }, T)).toBe(false);
    expect(carriesTraffic({ ...sample, airtimePct: 1.9 }, T)).toBe(false);
    expect(carriesTraffic({ ...sample, airtimePct: 2 }, T)).toBe(true);
  });

  it('counts what is unknown as traffic: judged as before', () => {
    expect(carriesTraffic(baseline, T)).toBe(true);
    expect(carriesTraffic({ ...baseline, airtimePct: 0 }, { ...T, minAirtimePct: 0 })).toBe(true);
    expect(carriesTraffic({ ...baseline, clientCount: 0 }, { ...T, minClients: 0 })).toBe(true);
    // A policy recorded in a workflow's history before these floors existed.
    const { minClients: _c, minAirtimePct: _a, ...before } = T;
    expect(carriesTraffic({ ...sample, clientCount: 0, airtimePct: 0 }, before as RollbackThresholds)).toBe(
      true,
    );
  });

  it('follows configured floors', () => {
    expect(carriesTraffic({ ...sample, clientCount: 2 }, { ...T, minClients: 3 })).toBe(false);
    expect(carriesTraffic(sample, { ...T, minAirtimePct: 10 })).toBe(false);
  });
});

describe('windowPassed', () => {
  it('is healthy once a sample was judged, and when nothing could be read at all', () => {
    expect(windowPassed({ ...startMonitoring(baseline), samples: 1, withoutTraffic: 3 })).toEqual({
      kind: 'healthy',
    });
    expect(windowPassed(startMonitoring(baseline))).toEqual({ kind: 'healthy' });
  });

  it('is not judged when no sample was, for want of traffic', () => {
    expect(windowPassed({ ...startMonitoring(), withoutTraffic: 4 })).toEqual({
      kind: 'not-judged',
      samplesWithoutTraffic: 4,
    });
  });
});

describe('never a rollback from a baseline without traffic (property)', () => {
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  const radioSample = fc.record(
    {
      per: fraction,
      retryRate: fraction,
      throughputMbps: fc.double({ min: 0, max: 2000, noNaN: true }),
      disconnectsPerMin: fc.double({ min: 0, max: 100, noNaN: true }),
      avgQoe: fraction,
      clientCount: fc.nat(40),
      airtimePct: fc.double({ min: 0, max: 100, noNaN: true }),
    },
    { requiredKeys: ['per', 'retryRate', 'throughputMbps', 'disconnectsPerMin', 'avgQoe'] },
  );
  const thresholds = fc
    .record({
      minClients: fc.nat(5),
      minAirtimePct: fc.double({ min: 0, max: 20, noNaN: true }),
      consecutiveSamples: fc.integer({ min: 1, max: 3 }),
    })
    .map((floors): RollbackThresholds => ({ ...T, ...floors }));

  it('judges every sample against a baseline with traffic, and rolls back only after one', () => {
    fc.assert(
      fc.property(
        fc.option(radioSample, { nil: undefined }),
        fc.array(radioSample, { maxLength: 12 }),
        thresholds,
        (before, samples, t) => {
          let state = startMonitoring(before);
          for (const sample of samples) {
            const reference = state.baseline;
            const out = observeSample(state, sample, t);
            const fromTraffic = reference !== undefined && carriesTraffic(reference, t);
            expect(out.judged).toBe(fromTraffic);
            if (out.rollback) expect(fromTraffic).toBe(true);
            // A rise from a baseline without traffic is never a finding.
            if (!fromTraffic) expect(out.findings).toEqual([]);
            state = out.state;
          }
          expect(state.samples + state.withoutTraffic).toBeLessThanOrEqual(samples.length);
        },
      ),
      { seed: 28, numRuns: 3000 },
    );
  });
});

describe('threshold validation', () => {
  it('accepts the defaults', () => {
    expect(validateThresholds(DEFAULT_ROLLBACK_THRESHOLDS)).toEqual([]);
    expect(RollbackThresholdsSchema.parse(DEFAULT_ROLLBACK_THRESHOLDS)).toEqual(DEFAULT_ROLLBACK_THRESHOLDS);
  });

  it.each(Object.keys(DEFAULT_ROLLBACK_THRESHOLDS))(
    'names %s when it is negative, not a number or missing',
    (field) => {
      for (const bad of [-1, 'x', undefined]) {
        const errors = validateThresholds({ ...DEFAULT_ROLLBACK_THRESHOLDS, [field]: bad });
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(new RegExp(`^${field}: `));
      }
    },
  );

  it('names every bad field at once', () => {
    const errors = validateThresholds({
      ...DEFAULT_ROLLBACK_THRESHOLDS,
      perNoiseFloor: 2,
      throughputDropPct: 100,
      consecutiveSamples: 1.5,
    });
    expect(errors).toEqual([
      expect.stringMatching(/^perNoiseFloor: must be <= 1/),
      expect.stringMatching(/^throughputDropPct: must be < 100/),
      expect.stringMatching(/^consecutiveSamples: must be an integer/),
    ]);
  });

  it('rejects unknown fields (likely typos) and non-objects', () => {
    expect(validateThresholds({ ...DEFAULT_ROLLBACK_THRESHOLDS, perIncreasePc: 30 })).toEqual([
      'perIncreasePc: unknown threshold',
    ]);
    expect(validateThresholds(null)).toEqual(['thresholds: must be an object of rollback thresholds']);
  });
});
