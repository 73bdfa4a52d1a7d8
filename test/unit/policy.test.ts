import { ALL_EVENT_TYPES, EVENT_TYPES, type EventType, type Severity } from '../../domain/events';
import { DEFAULT_EVENT_POLICIES, DEFAULT_POLICY, effectiveSeverity, type Policy } from '../../domain/policy';
import { resolvePolicy, type PolicyValidation } from '../../domain/policy-schema';
import { loadPolicy } from '../../config/policy-file';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIN = 60_000;

function resolved(result: PolicyValidation): Policy {
  if (!result.ok) throw new Error(`expected a valid policy, got ${result.errors.join('; ')}`);
  return result.policy;
}

function errorsOf(result: PolicyValidation): string[] {
  if (result.ok) throw new Error('expected policy errors');
  return result.errors;
}

describe('DEFAULT_POLICY: the docs/policy.md table', () => {
  // type, severity, min confidence, monitor window (ms), auto-rollback, bypasses cooldown
  const rows: [EventType, Severity, number, number, boolean, boolean][] = [
    ['DFS_RADAR', 'CRITICAL', 0, 5 * MIN, false, true],
    ['NON_WIFI_BURST', 'HIGH', 0.5, 5 * MIN, true, false],
    ['SPECTRUM_SAT', 'HIGH', 0.5, 10 * MIN, true, false],
    ['QOE_DEGRADATION', 'MEDIUM', 0.5, 5 * MIN, true, false],
    ['HW_FAILURE', 'CRITICAL', 0, 0, false, true],
    ['POWER_BUDGET_EXCEEDED', 'HIGH', 0.5, 5 * MIN, false, false],
    ['LOAD_IMBALANCE', 'LOW', 0.5, 5 * MIN, true, false],
  ];

  it.each(rows)(
    '%s: severity %s, min confidence %p, monitor %p ms, auto-rollback %p, bypasses cooldown %p',
    (type, severity, minConfidence, monitorWindowMs, autoRollback, bypassesCooldown) => {
      expect(DEFAULT_POLICY.events[type]).toMatchObject({
        severity,
        minConfidence,
        monitorWindowMs,
        autoRollback,
        bypassesCooldown,
      });
    },
  );

  it('DENSITY_SPIKE: MEDIUM, min confidence 0.5, monitored, does not bypass the cooldown', () => {
    const p = DEFAULT_POLICY.events.DENSITY_SPIKE;
    expect(p.severity).toBe('MEDIUM');
    expect(p.minConfidence).toBe(0.5);
    expect(p.monitorWindowMs).toBeGreaterThan(0);
    expect(p.bypassesCooldown).toBe(false);
  });

  it('has a row for every event type (the internal JOINT_REPLAN too) and nothing else', () => {
    expect(Object.keys(DEFAULT_POLICY.events).sort()).toEqual([...ALL_EVENT_TYPES].sort());
    expect(DEFAULT_POLICY.events).toBe(DEFAULT_EVENT_POLICIES);
  });

  it('only the CRITICAL types bypass the cooldown (of the types a source sends)', () => {
    const bypass = EVENT_TYPES.filter((t) => DEFAULT_POLICY.events[t].bypassesCooldown).sort();
    expect(bypass).toEqual(['DFS_RADAR', 'HW_FAILURE']);
  });

  it('keeps the DFS rollback token for 1 h', () => {
    expect(DEFAULT_POLICY.events.DFS_RADAR.rollbackTokenTtlMs).toBe(60 * MIN);
  });

  it('has the global defaults: US, 10 s cooldown, 30 min NOP, 30 s sampling, interference 0.8 / +3 dB / −62 dBm', () => {
    expect(DEFAULT_POLICY.regulatoryDomain).toBe('US');
    expect(DEFAULT_POLICY.cooldownMs).toBe(10_000);
    expect(DEFAULT_POLICY.nonOccupancyPeriodMs).toBe(30 * MIN);
    expect(DEFAULT_POLICY.sampleIntervalMs).toBe(30_000);
    expect(DEFAULT_POLICY.interference).toEqual({
      channelChangeMinConfidence: 0.8,
      obssPdStepDb: 3,
      obssPdCapDbm: -62,
    });
  });

  it('has the action defaults of the new sections', () => {
    // QoE: more than 30 % of clients below QoE 0.5 → channel change, else steer to a neighbour heard ≥ −75 dBm.
    expect(DEFAULT_POLICY.qoe).toEqual({
      poorQoe: 0.5,
      channelChangeShare: 0.3,
      minCandidateRssiDbm: -75,
      maxClientsPerAction: 10,
    });
    expect(DEFAULT_POLICY.density.capHeadroom).toBe(0);
    expect(DEFAULT_POLICY.density.spikeEndsBelowAssociationsPerMin).toBeGreaterThanOrEqual(0);
    // Failover: neighbours +3 dB, never above 21 dBm (the 1:1 rule's reference at −82 dBm).
    expect(DEFAULT_POLICY.failover).toEqual({ txPowerRaiseDb: 3, maxTxPowerDbm: 21 });
    expect(DEFAULT_POLICY.power.wattsPerTxDb).toBeGreaterThan(0);
    expect(DEFAULT_POLICY.power.minTxPowerDbm).toBeGreaterThanOrEqual(0);
    expect(DEFAULT_POLICY.load.maxClientsPerAction).toBeGreaterThan(0);
    expect(DEFAULT_POLICY.load.minCandidateRssiDbm).toBeLessThanOrEqual(-30);
    expect(Number.isInteger(DEFAULT_POLICY.maxQueuePerAp)).toBe(true);
    expect(DEFAULT_POLICY.maxQueuePerAp).toBeGreaterThan(0);
    expect(DEFAULT_POLICY.coordinator.idleTimeoutMs).toBeGreaterThan(0);
    expect(DEFAULT_POLICY.coordinator.continueAsNewAfterEvents).toBeGreaterThanOrEqual(100);
  });

  it('is itself a valid policy', () => {
    expect(resolved(resolvePolicy({}))).toEqual(DEFAULT_POLICY);
  });
});

describe('resolvePolicy', () => {
  it.each([undefined, null, {}])('returns the defaults for %p', (input) => {
    expect(resolved(resolvePolicy(input))).toEqual(DEFAULT_POLICY);
  });

  it('overlays a partial document, keeping every other default', () => {
    const policy = resolved(
      resolvePolicy({
        regulatoryDomain: 'EU',
        events: { NON_WIFI_BURST: { minConfidence: 0.7 } },
      }),
    );
    expect(policy.regulatoryDomain).toBe('EU');
    expect(policy.events.NON_WIFI_BURST).toEqual({
      ...DEFAULT_POLICY.events.NON_WIFI_BURST,
      minConfidence: 0.7,
    });
    expect(policy.events.DFS_RADAR).toEqual(DEFAULT_POLICY.events.DFS_RADAR);
    expect(policy.cooldownMs).toBe(10_000);
    expect(policy.interference).toEqual(DEFAULT_POLICY.interference);
  });

  it('does not modify the defaults', () => {
    const before = JSON.stringify(DEFAULT_POLICY);
    resolvePolicy({ cooldownMs: 5_000, events: { LOAD_IMBALANCE: { severity: 'HIGH' } } });
    expect(JSON.stringify(DEFAULT_POLICY)).toBe(before);
    expect(DEFAULT_POLICY.events.LOAD_IMBALANCE.severity).toBe('LOW');
  });

  it('names the dotted field of a bad value', () => {
    const errs = errorsOf(resolvePolicy({ events: { NON_WIFI_BURST: { minConfidence: 1.5 } } }));
    expect(errs).toHaveLength(1);
    expect(errs[0].startsWith('events.NON_WIFI_BURST.minConfidence')).toBe(true);
  });

  it('reports each bad field', () => {
    const errs = errorsOf(
      resolvePolicy({
        cooldownMs: -1,
        regulatoryDomain: 'JP',
        interference: { obssPdCapDbm: -50 },
        events: { DFS_RADAR: { severity: 'URGENT' } },
      }),
    );
    const fields = errs.map((e) => e.split(':')[0]).sort();
    expect(fields).toEqual(
      ['cooldownMs', 'events.DFS_RADAR.severity', 'interference.obssPdCapDbm', 'regulatoryDomain'].sort(),
    );
  });

  it('rejects an unknown top-level key, naming it', () => {
    const errs = errorsOf(resolvePolicy({ coolDownMs: 5_000 }));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain('coolDownMs');
  });

  it('rejects an unknown event type and an unknown per-event key, naming them', () => {
    const errs = errorsOf(resolvePolicy({ events: { RADAR: { severity: 'LOW' } } }));
    expect(errs.join('\n')).toContain('RADAR');
    expect(errs[0].startsWith('events')).toBe(true);
    const errs2 = errorsOf(resolvePolicy({ events: { DFS_RADAR: { minConfidense: 0.2 } } }));
    expect(errs2.join('\n')).toContain('minConfidense');
    expect(errs2[0].startsWith('events.DFS_RADAR')).toBe(true);
  });

  it('refuses to shorten the Non-Occupancy Period below 30 min', () => {
    const errs = errorsOf(resolvePolicy({ nonOccupancyPeriodMs: 30 * MIN - 1 }));
    expect(errs).toHaveLength(1);
    expect(errs[0].startsWith('nonOccupancyPeriodMs')).toBe(true);
    expect(resolved(resolvePolicy({ nonOccupancyPeriodMs: 30 * MIN })).nonOccupancyPeriodMs).toBe(30 * MIN);
    expect(resolved(resolvePolicy({ nonOccupancyPeriodMs: 45 * MIN })).nonOccupancyPeriodMs).toBe(45 * MIN);
  });

  it('keeps the OBSS-PD cap within −82…−62 dBm', () => {
    expect(resolved(resolvePolicy({ interference: { obssPdCapDbm: -70 } })).interference.obssPdCapDbm).toBe(
      -70,
    );
    expect(errorsOf(resolvePolicy({ interference: { obssPdCapDbm: -61 } }))[0]).toMatch(
      /^interference\.obssPdCapDbm/,
    );
    expect(errorsOf(resolvePolicy({ interference: { obssPdCapDbm: -83 } }))[0]).toMatch(
      /^interference\.obssPdCapDbm/,
    );
  });

  it('rejects a minConfidence outside 0–1 and a negative monitor window', () => {
    expect(errorsOf(resolvePolicy({ events: { SPECTRUM_SAT: { minConfidence: -0.1 } } }))[0]).toMatch(
      /^events\.SPECTRUM_SAT\.minConfidence/,
    );
    expect(errorsOf(resolvePolicy({ events: { SPECTRUM_SAT: { monitorWindowMs: -1 } } }))[0]).toMatch(
      /^events\.SPECTRUM_SAT\.monitorWindowMs/,
    );
  });

  it('overlays part of a new section, keeping its other defaults', () => {
    const policy = resolved(
      resolvePolicy({ qoe: { poorQoe: 0.6 }, failover: { maxTxPowerDbm: 18 }, maxQueuePerAp: 4 }),
    );
    expect(policy.qoe).toEqual({ ...DEFAULT_POLICY.qoe, poorQoe: 0.6 });
    expect(policy.failover).toEqual({ ...DEFAULT_POLICY.failover, maxTxPowerDbm: 18 });
    expect(policy.maxQueuePerAp).toBe(4);
    expect(policy.power).toEqual(DEFAULT_POLICY.power);
    expect(policy.coordinator).toEqual(DEFAULT_POLICY.coordinator);
  });

  it.each<[string, unknown]>([
    ['qoe.poorQoe', { qoe: { poorQoe: 1.1 } }],
    ['qoe.channelChangeShare', { qoe: { channelChangeShare: -0.1 } }],
    ['qoe.minCandidateRssiDbm', { qoe: { minCandidateRssiDbm: -20 } }],
    ['qoe.maxClientsPerAction', { qoe: { maxClientsPerAction: 0 } }],
    ['density.capHeadroom', { density: { capHeadroom: -1 } }],
    ['density.capHeadroom', { density: { capHeadroom: 1.5 } }],
    ['failover.txPowerRaiseDb', { failover: { txPowerRaiseDb: 0 } }],
    ['failover.maxTxPowerDbm', { failover: { maxTxPowerDbm: 31 } }],
    ['power.wattsPerTxDb', { power: { wattsPerTxDb: 0 } }],
    ['power.minTxPowerDbm', { power: { minTxPowerDbm: -1 } }],
    ['load.minCandidateRssiDbm', { load: { minCandidateRssiDbm: -101 } }],
    ['load.maxClientsPerAction', { load: { maxClientsPerAction: 2.5 } }],
    ['maxQueuePerAp', { maxQueuePerAp: 0 }],
    ['coordinator.idleTimeoutMs', { coordinator: { idleTimeoutMs: 0 } }],
    ['coordinator.continueAsNewAfterEvents', { coordinator: { continueAsNewAfterEvents: 99 } }],
    ['qoe', { qoe: { poorQoe: 0.5, steerAll: true } }],
  ])('rejects a bad %s', (field, overrides) => {
    const errs = errorsOf(resolvePolicy(overrides));
    expect(errs).toHaveLength(1);
    expect(errs[0].startsWith(field)).toBe(true);
  });

  it('loads a policy file written before jointReplan.minInterferenceGain, with its default', () => {
    const policy = resolved(resolvePolicy({ jointReplan: { enabled: true, minImprovement: 0.1 } }));
    expect(policy.jointReplan).toEqual({ ...DEFAULT_POLICY.jointReplan, minImprovement: 0.1 });
    expect(policy.jointReplan.minInterferenceGain).toBe(0.2);
  });

  it('takes jointReplan.minInterferenceGain as a share of airtime, above 0 and at most 1', () => {
    expect(
      resolved(resolvePolicy({ jointReplan: { minInterferenceGain: 1 } })).jointReplan.minInterferenceGain,
    ).toBe(1);
    for (const bad of [0, 20, -0.1]) {
      const errs = errorsOf(resolvePolicy({ jointReplan: { minInterferenceGain: bad } }));
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(/^jointReplan\.minInterferenceGain: .*share of airtime/);
    }
  });

  it('rejects a document that is not an object', () => {
    expect(errorsOf(resolvePolicy('strict')).length).toBeGreaterThan(0);
    expect(errorsOf(resolvePolicy([1, 2])).length).toBeGreaterThan(0);
  });
});

describe('a policy file: rollbackThresholds', () => {
  const file = (doc: unknown): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'rrm-policy-')), 'policy.json');
    writeFileSync(path, JSON.stringify(doc));
    return path;
  };

  it('loads a file written before the traffic floors, with their defaults', () => {
    const policy = loadPolicy(file({ rollbackThresholds: { perIncreasePct: 50, consecutiveSamples: 3 } }));
    expect(policy.rollbackThresholds).toEqual({
      ...DEFAULT_POLICY.rollbackThresholds,
      perIncreasePct: 50,
      consecutiveSamples: 3,
    });
    expect(policy.rollbackThresholds).toMatchObject({ minClients: 1, minAirtimePct: 2 });
  });

  it('names a bad floor in the error', () => {
    expect(() => loadPolicy(file({ rollbackThresholds: { minClients: 0.5, minAirtimePct: 120 } }))).toThrow(
      /is invalid: rollbackThresholds\.minClients: must be an integer .*; rollbackThresholds\.minAirtimePct: must be <= 100/,
    );
  });
});

describe('effectiveSeverity', () => {
  it("uses the type's default without an override", () => {
    expect(effectiveSeverity(DEFAULT_POLICY, 'DFS_RADAR')).toBe('CRITICAL');
    expect(effectiveSeverity(DEFAULT_POLICY, 'NON_WIFI_BURST')).toBe('HIGH');
    expect(effectiveSeverity(DEFAULT_POLICY, 'QOE_DEGRADATION')).toBe('MEDIUM');
    expect(effectiveSeverity(DEFAULT_POLICY, 'LOAD_IMBALANCE')).toBe('LOW');
  });

  it('prefers the event override', () => {
    expect(effectiveSeverity(DEFAULT_POLICY, 'LOAD_IMBALANCE', 'CRITICAL')).toBe('CRITICAL');
    expect(effectiveSeverity(DEFAULT_POLICY, 'DFS_RADAR', 'LOW')).toBe('LOW');
  });

  it("follows a policy that changes a type's severity", () => {
    const policy = resolved(resolvePolicy({ events: { LOAD_IMBALANCE: { severity: 'HIGH' } } }));
    expect(effectiveSeverity(policy, 'LOAD_IMBALANCE')).toBe('HIGH');
  });
});
