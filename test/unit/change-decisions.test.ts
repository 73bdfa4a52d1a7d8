import {
  belowConfidence,
  conclude,
  reconfiguredSince,
  staleness,
  turnScope,
  type ConclusionFacts,
  type MonitorVerdict,
} from '../../domain/change-decisions';
import type { ControllerStep } from '../../domain/controller-steps';
import { EVENT_TYPES, type EventType } from '../../domain/event-types';
import { DEFAULT_EVENT_POLICIES, type EventPolicy } from '../../domain/policy';
import type { Radio } from '../../domain/regulatory';
import { ap, T } from './plan-fixtures';
import { cfg5, markDown, radioStep, steer } from './step-fixtures';

const ALL_RADIOS: Radio[] = ['2g', '5g', '6g'];

describe('turnScope', () => {
  it.each(EVENT_TYPES.filter((t) => t !== 'HW_FAILURE' && t !== 'POWER_BUDGET_EXCEEDED'))(
    '%s takes the turn of its own radio only',
    (type) => {
      expect(turnScope(type, 'ap-01', '6g', ['ap-02'])).toEqual([{ apId: 'ap-01', radios: ['6g'] }]);
    },
  );

  it('a failover takes every radio of the AP and of its neighbours, in AP order, each AP once', () => {
    expect(turnScope('HW_FAILURE', 'ap-03', '2g', ['ap-05', 'ap-01', 'ap-05', 'ap-03'])).toEqual([
      { apId: 'ap-01', radios: ALL_RADIOS },
      { apId: 'ap-03', radios: ALL_RADIOS },
      { apId: 'ap-05', radios: ALL_RADIOS },
    ]);
    expect(turnScope('HW_FAILURE', 'ap-03', '2g')).toEqual([{ apId: 'ap-03', radios: ALL_RADIOS }]);
  });

  it('a power budget action takes every radio of its own AP only', () => {
    expect(turnScope('POWER_BUDGET_EXCEEDED', 'ap-03', '5g', ['ap-01'])).toEqual([
      { apId: 'ap-03', radios: ALL_RADIOS },
    ]);
  });

  it('gives each AP its own list of radios', () => {
    const scope = turnScope('HW_FAILURE', 'ap-01', '5g', ['ap-02']);
    scope[0].radios.pop();
    expect(scope[1].radios).toEqual(ALL_RADIOS);
    expect(turnScope('HW_FAILURE', 'ap-01', '5g')[0].radios).toEqual(ALL_RADIOS);
  });
});

describe('reconfiguredSince', () => {
  const moveTo52 = radioStep('ap-01', '5g', { channel: 52, width: 40 });
  const asLeft = ap('ap-01', { '2g': {}, '5g': { channel: 52, width: 40 }, '6g': {} });

  it('allows the undo while the radio still reads as the action left it', () => {
    expect(reconfiguredSince([moveTo52], [asLeft])).toBeUndefined();
  });

  it('refuses it when a param the action changed no longer reads as its target', () => {
    const later = ap('ap-01', { '5g': { channel: 100, width: 40 } });
    expect(reconfiguredSince([moveTo52], [later])).toBe(
      'ap-01 5g was reconfigured since this change (channel); roll back the later change first',
    );
    const both = ap('ap-01', { '5g': { channel: 100, width: 80 } });
    expect(reconfiguredSince([moveTo52], [both])).toBe(
      'ap-01 5g was reconfigured since this change (channel, width); roll back the later change first',
    );
  });

  it('allows it when other radios, or params the action did not change, moved meanwhile', () => {
    const others = ap('ap-01', { '2g': { txPowerDbm: 5 }, '5g': { channel: 52, width: 40, txPowerDbm: 11 } });
    expect(reconfiguredSince([moveTo52], [others])).toBeUndefined();
    // A param named in the target at its old value is not a change of this action.
    const unchanged = radioStep('ap-01', '5g', { channel: 52, txPowerDbm: 20 });
    const powered = ap('ap-01', { '5g': { channel: 52, txPowerDbm: 14 } });
    expect(reconfiguredSince([unchanged], [powered])).toBeUndefined();
  });

  it('compares an admission cap lifted to no cap', () => {
    const lift = radioStep('ap-01', '5g', { admissionCap: null }, { ...cfg5, admissionCap: 30 });
    expect(reconfiguredSince([lift], [ap('ap-01', { '5g': { admissionCap: null } })])).toBeUndefined();
    expect(reconfiguredSince([lift], [ap('ap-01', { '5g': { admissionCap: 40 } })])).toBe(
      'ap-01 5g was reconfigured since this change (admissionCap); roll back the later change first',
    );
  });

  it('refuses it when the radio is gone from the AP', () => {
    expect(reconfiguredSince([moveTo52], [ap('ap-01', { '2g': {} })])).toBe(
      'ap-01 5g was reconfigured since this change (channel, width); roll back the later change first',
    );
  });

  it("checks the neighbours' radios of a failover and names the first one moved", () => {
    const raise = (apId: string): ControllerStep =>
      radioStep(apId, '5g', { txPowerDbm: 23 }, { ...cfg5, txPowerDbm: 20 });
    const steps = [markDown, raise('ap-02'), raise('ap-04')];
    const aps = [
      ap('ap-01', { '5g': {} }, { adminStatus: 'DOWN' }),
      ap('ap-02', { '5g': { txPowerDbm: 23 } }),
      ap('ap-04', { '5g': { txPowerDbm: 17 } }),
    ];
    expect(reconfiguredSince(steps, aps)).toBe(
      'ap-04 5g was reconfigured since this change (txPowerDbm); roll back the later change first',
    );
    expect(
      reconfiguredSince(steps, [aps[0], aps[1], ap('ap-04', { '5g': { txPowerDbm: 23 } })]),
    ).toBeUndefined();
  });

  it("refuses it when the AP's admin state moved since the step", () => {
    expect(reconfiguredSince([markDown], [ap('ap-01', {}, { adminStatus: 'DOWN' })])).toBeUndefined();
    expect(reconfiguredSince([markDown], [ap('ap-01', {}, { adminStatus: 'UP' })])).toBe(
      'ap-01 was set UP since this change',
    );
  });

  it('skips steering and APs it has no snapshot of', () => {
    expect(reconfiguredSince([steer], [asLeft])).toBeUndefined();
    expect(reconfiguredSince([moveTo52, markDown], [ap('ap-09', { '5g': {} })])).toBeUndefined();
  });
});

describe('belowConfidence', () => {
  const eventPolicy = DEFAULT_EVENT_POLICIES.NON_WIFI_BURST;

  it('refuses an event below the minimum confidence of its type, not one at it', () => {
    expect(belowConfidence(0.49, eventPolicy)).toBe('confidence 0.49 is below the minimum 0.5');
    expect(belowConfidence(0.5, eventPolicy)).toBeUndefined();
    expect(belowConfidence(1, eventPolicy)).toBeUndefined();
  });

  it('accepts any radar or failure event (minimum 0)', () => {
    expect(belowConfidence(0, DEFAULT_EVENT_POLICIES.DFS_RADAR)).toBeUndefined();
    expect(belowConfidence(0, DEFAULT_EVENT_POLICIES.HW_FAILURE)).toBeUndefined();
  });
});

describe('staleness', () => {
  const detected = Date.parse(T);

  it('lets an event act up to its TTL, and calls it stale past it', () => {
    const eventPolicy = DEFAULT_EVENT_POLICIES.NON_WIFI_BURST; // 5 min
    expect(staleness(T, detected + 300_000, eventPolicy)).toBeUndefined();
    expect(staleness(T, detected + 300_001, eventPolicy)).toBe('event is 300 s old, past its 300 s TTL');
    expect(staleness(T, detected + 301_500, eventPolicy)).toBe('event is 302 s old, past its 300 s TTL');
  });

  it("uses the type's own TTL", () => {
    const radar = DEFAULT_EVENT_POLICIES.DFS_RADAR; // the Non-Occupancy Period
    expect(staleness(T, detected + 600_000, radar)).toBeUndefined();
    expect(staleness(T, detected + 1_800_001, radar)).toBe('event is 1800 s old, past its 1800 s TTL');
  });

  it('compares instants, not text, and never calls an event from the future stale', () => {
    const eventPolicy = DEFAULT_EVENT_POLICIES.NON_WIFI_BURST;
    // 13:00+01:00 is 12:00Z: 300.001 s before `now`, stale; read as 13:00Z it would not be.
    expect(staleness('2025-03-01T13:00:00+01:00', detected + 300_001, eventPolicy)).toBe(
      'event is 300 s old, past its 300 s TTL',
    );
    expect(staleness('2025-03-01T12:10:00.000Z', detected, eventPolicy)).toBeUndefined();
  });
});

describe('conclude', () => {
  const facts = (type: EventType, o: Partial<ConclusionFacts> = {}): ConclusionFacts => ({
    type,
    eventPolicy: DEFAULT_EVENT_POLICIES[type],
    reselectionsLeft: 0,
    ...o,
  });
  const radarOnNewChannel = (rollbackFirst: boolean): MonitorVerdict => ({
    kind: 'superseded',
    by: { eventId: 'e-9', type: 'DFS_RADAR', severity: 'CRITICAL', channel: 56 },
    rollbackFirst,
  });
  const degraded: MonitorVerdict = { kind: 'degraded', findings: 'PER 0.1 → 0.3' };
  const forbidden = 'channel 52 is radar-closed';

  describe('superseded', () => {
    it('keeps the change when superseded at a safe point, whatever the policy', () => {
      const verdict: MonitorVerdict = {
        kind: 'superseded',
        by: { eventId: 'e-9', type: 'SPECTRUM_SAT', severity: 'HIGH' },
        rollbackFirst: false,
      };
      const kept = {
        kind: 'keep',
        outcome: 'SUPERSEDED',
        reason: 'superseded by e-9 (HIGH) at a safe point; the change stays',
      };
      expect(conclude(verdict, facts('NON_WIFI_BURST'))).toEqual(kept);
      expect(conclude(verdict, facts('POWER_BUDGET_EXCEEDED'))).toEqual(kept);
      expect(conclude(radarOnNewChannel(false), facts('QOE_DEGRADATION'))).toEqual({
        ...kept,
        reason:
          'superseded by radar e-9 (CRITICAL) on channel 56: the radar move took the radio on; this change is not undone',
      });
    });

    it('rolls back first for radar on the new channel when the policy rolls back automatically', () => {
      expect(conclude(radarOnNewChannel(true), facts('NON_WIFI_BURST'))).toEqual({
        kind: 'roll-back',
        reason: 'automatic rollback: CRITICAL DFS_RADAR (e-9) on the new channel 56',
        degraded: false,
      });
    });

    it('hands over without rolling back when rollback is off for the type', () => {
      expect(conclude(radarOnNewChannel(true), facts('DFS_RADAR'))).toEqual({
        kind: 'keep',
        outcome: 'SUPERSEDED',
        reason: 'CRITICAL DFS_RADAR (e-9) on the new channel 56; no automatic rollback: handing over to it',
      });
    });

    it('hands over without rolling back when a rollback would break regulation', () => {
      expect(
        conclude(radarOnNewChannel(true), facts('NON_WIFI_BURST', { rollbackForbidden: forbidden })),
      ).toEqual({
        kind: 'keep',
        outcome: 'SUPERSEDED',
        reason: `CRITICAL DFS_RADAR (e-9) on the new channel 56; ${forbidden}: handing over to it`,
      });
    });
  });

  it('keeps a change an operator committed, naming the operator', () => {
    for (const type of ['NON_WIFI_BURST', 'DENSITY_SPIKE', 'DFS_RADAR'] as const) {
      expect(conclude({ kind: 'committed', operator: 'alice' }, facts(type))).toEqual({
        kind: 'keep',
        outcome: 'APPLIED',
        reason: 'committed by alice',
        executionStatus: 'COMMITTED',
        operator: 'alice',
      });
    }
  });

  it('lifts the admission cap when the spike is over', () => {
    expect(conclude({ kind: 'spike-over' }, facts('DENSITY_SPIKE'))).toEqual({
      kind: 'lift',
      reason: 'spike over: admission cap lifted',
    });
  });

  describe('healthy', () => {
    it('commits the change after a window without degradation', () => {
      for (const type of ['NON_WIFI_BURST', 'QOE_DEGRADATION', 'DFS_RADAR', 'LOAD_IMBALANCE'] as const) {
        expect(conclude({ kind: 'healthy' }, facts(type))).toEqual({
          kind: 'keep',
          outcome: 'APPLIED',
          reason: 'monitor window passed without degradation',
          executionStatus: 'COMMITTED',
        });
      }
    });

    it("lifts a density spike's cap at the end of its window, naming the window", () => {
      expect(conclude({ kind: 'healthy' }, facts('DENSITY_SPIKE'))).toEqual({
        kind: 'lift',
        reason: "spike still on after 30 min: admission cap lifted at the window's end",
      });
      const eventPolicy: EventPolicy = {
        ...DEFAULT_EVENT_POLICIES.DENSITY_SPIKE,
        monitorWindowMs: 45 * 60_000,
      };
      expect(conclude({ kind: 'healthy' }, facts('DENSITY_SPIKE', { eventPolicy }))).toEqual({
        kind: 'lift',
        reason: "spike still on after 45 min: admission cap lifted at the window's end",
      });
    });
  });

  describe('not judged', () => {
    const notJudged = { kind: 'not-judged', samplesWithoutTraffic: 10 } as const;

    it('keeps the change, saying why it could not be judged', () => {
      for (const type of ['NON_WIFI_BURST', 'DFS_RADAR', 'POWER_BUDGET_EXCEEDED'] as const) {
        expect(conclude(notJudged, facts(type))).toEqual({
          kind: 'keep',
          outcome: 'APPLIED',
          reason:
            'kept, not judged: the radio carried no traffic to judge the change by (10 samples in the window without traffic)',
          executionStatus: 'COMMITTED',
        });
      }
      expect(conclude({ ...notJudged, samplesWithoutTraffic: 1 }, facts('NON_WIFI_BURST'))).toMatchObject({
        reason: expect.stringContaining('(1 sample in the window without traffic)'),
      });
    });

    it("lifts a density spike's cap at the end of its window", () => {
      expect(conclude(notJudged, facts('DENSITY_SPIKE'))).toEqual({
        kind: 'lift',
        reason:
          "admission cap lifted at the window's end, not judged: the radio carried no traffic to judge the change by (10 samples in the window without traffic)",
      });
    });
  });

  describe('degraded', () => {
    it('has a radar move choose afresh while reselections are left, even when a rollback is forbidden', () => {
      expect(conclude(degraded, facts('DFS_RADAR', { reselectionsLeft: 2 }))).toEqual({
        kind: 'reselect',
        degradation: 'PER 0.1 → 0.3',
      });
      expect(
        conclude(degraded, facts('DFS_RADAR', { reselectionsLeft: 1, rollbackForbidden: forbidden })),
      ).toEqual({ kind: 'reselect', degradation: 'PER 0.1 → 0.3' });
    });

    it('keeps a degraded radar move when no reselection is left', () => {
      const kept = {
        kind: 'keep',
        outcome: 'APPLIED',
        reason: 'degraded (PER 0.1 → 0.3); no better open channel',
        degraded: true,
      };
      expect(conclude(degraded, facts('DFS_RADAR'))).toEqual(kept);
      // Also under a policy that rolls back, when the old channel is closed.
      const eventPolicy = { ...DEFAULT_EVENT_POLICIES.DFS_RADAR, autoRollback: true };
      expect(conclude(degraded, facts('DFS_RADAR', { eventPolicy, rollbackForbidden: forbidden }))).toEqual(
        kept,
      );
      expect(conclude(degraded, facts('DFS_RADAR', { eventPolicy }))).toEqual({
        kind: 'roll-back',
        reason: 'automatic rollback: PER 0.1 → 0.3',
        degraded: true,
      });
    });

    it('rolls back automatically when the policy says so, reselections or not', () => {
      for (const type of [
        'NON_WIFI_BURST',
        'SPECTRUM_SAT',
        'QOE_DEGRADATION',
        'DENSITY_SPIKE',
        'LOAD_IMBALANCE',
      ] as const) {
        expect(conclude(degraded, facts(type, { reselectionsLeft: 2 }))).toEqual({
          kind: 'roll-back',
          reason: 'automatic rollback: PER 0.1 → 0.3',
          degraded: true,
        });
      }
    });

    it('keeps the change, marked degraded, when a rollback would break regulation', () => {
      expect(conclude(degraded, facts('NON_WIFI_BURST', { rollbackForbidden: forbidden }))).toEqual({
        kind: 'keep',
        outcome: 'APPLIED',
        reason: `degraded (PER 0.1 → 0.3); ${forbidden}`,
        degraded: true,
      });
    });

    it('keeps the change, marked degraded, when automatic rollback is off for the type', () => {
      expect(conclude(degraded, facts('POWER_BUDGET_EXCEEDED'))).toEqual({
        kind: 'keep',
        outcome: 'APPLIED',
        reason: 'degraded (PER 0.1 → 0.3); automatic rollback is off for POWER_BUDGET_EXCEEDED',
        degraded: true,
      });
    });
  });
});
