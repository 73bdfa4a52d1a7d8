import fc from 'fast-check';

import {
  DEFAULT_ROLLBACK_THRESHOLDS,
  findDegradation,
  initialMonitorVerdict,
  observeSample,
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

  const run = (samples: RadioSample[], t: RollbackThresholds = T) => {
    let state: MonitorVerdictState = initialMonitorVerdict;
    return samples.map((s) => {
      const out = observeSample(state, baseline, s, t);
      state = out.state;
      return out;
    });
  };

  it('does not roll back on a single degraded sample', () => {
    const [first] = run([degraded]);
    expect(first.rollback).toBe(false);
    expect(first.findings.map((f) => f.rule)).toEqual(['PER']);
    expect(first.state).toEqual({ consecutiveDegraded: 1, samples: 1, lastFindings: first.findings });
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
    expect(outs[1].state).toEqual({ consecutiveDegraded: 0, samples: 2, lastFindings: [] });
    expect(outs[4].state.samples).toBe(5);
  });

  it('honours a configured number of consecutive samples', () => {
    const three = { ...T, consecutiveSamples: 3 };
    expect(run([degraded, degraded, degraded], three).map((o) => o.rollback)).toEqual([false, false, true]);
    const one = { ...T, consecutiveSamples: 1 };
    expect(run([degraded], one)[0].rollback).toBe(true);
  });

  it('does not mutate the state it is given', () => {
    const before = { ...initialMonitorVerdict };
    observeSample(initialMonitorVerdict, baseline, degraded, T);
    expect(initialMonitorVerdict).toEqual(before);
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
