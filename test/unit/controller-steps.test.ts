import fc from 'fast-check';

import { changesOf, configuredAps, inverseOf, type ControllerStep } from '../../domain/controller-steps';
import type { AdminStatus, RadioConfig } from '../../domain/radio';
import { RADIOS, WIDTHS, type Radio } from '../../domain/regulatory';

const own = { apId: 'ap-01', radio: '5g' as Radio };
const cfg: RadioConfig = { channel: 36, width: 80, txPowerDbm: 20, obssPdDbm: -82, admissionCap: null };

const radioStep = (apId: string, radio: Radio, target: Partial<RadioConfig>, from = cfg): ControllerStep => ({
  kind: 'radio',
  apId,
  radio,
  from,
  target,
});

describe('changesOf', () => {
  it("names the own radio's params bare and lists only the params that change", () => {
    expect(changesOf([radioStep('ap-01', '5g', { channel: 149, width: 80, txPowerDbm: 20 })], own)).toEqual([
      { param: 'channel', oldValue: 36, newValue: 149 },
    ]);
  });

  it("prefixes another radio of the own AP with the band, another AP's radio with the AP and band", () => {
    expect(changesOf([radioStep('ap-01', '2g', { txPowerDbm: 14 })], own)).toEqual([
      { param: '2g.txPowerDbm', oldValue: 20, newValue: 14 },
    ]);
    // Same band as the own radio, another AP.
    expect(changesOf([radioStep('ap-04', '5g', { txPowerDbm: 23 })], own)).toEqual([
      { param: 'ap-04.5g.txPowerDbm', oldValue: 20, newValue: 23 },
    ]);
    expect(changesOf([radioStep('ap-04', '6g', { obssPdDbm: -79 })], own)).toEqual([
      { param: 'ap-04.6g.obssPdDbm', oldValue: -82, newValue: -79 },
    ]);
  });

  it('reports an admission cap set and lifted with null for no cap', () => {
    expect(changesOf([radioStep('ap-01', '5g', { admissionCap: 30 })], own)).toEqual([
      { param: 'admissionCap', oldValue: null, newValue: 30 },
    ]);
    expect(
      changesOf([radioStep('ap-01', '5g', { admissionCap: null }, { ...cfg, admissionCap: 30 })], own),
    ).toEqual([{ param: 'admissionCap', oldValue: 30, newValue: null }]);
  });

  it('names each steered client with its old and new AP', () => {
    const steer: ControllerStep = {
      kind: 'steer',
      apId: 'ap-01',
      radio: '5g',
      clientIds: ['c1', 'c2'],
      targetApId: 'ap-02',
    };
    expect(changesOf([steer], own)).toEqual([
      { param: 'client.c1.ap', oldValue: 'ap-01', newValue: 'ap-02' },
      { param: 'client.c2.ap', oldValue: 'ap-01', newValue: 'ap-02' },
    ]);
  });

  it("names the admin status bare for the own AP and prefixed for another AP's", () => {
    expect(changesOf([{ kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' }], own)).toEqual([
      { param: 'adminStatus', oldValue: 'UP', newValue: 'DOWN' },
    ]);
    expect(changesOf([{ kind: 'admin', apId: 'ap-04', from: 'DOWN', to: 'UP' }], own)).toEqual([
      { param: 'ap-04.adminStatus', oldValue: 'DOWN', newValue: 'UP' },
    ]);
  });

  it('keeps the order of the steps and lists nothing for no change', () => {
    const steps: ControllerStep[] = [
      { kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' },
      radioStep('ap-02', '5g', { txPowerDbm: 23 }),
      radioStep('ap-01', '5g', { txPowerDbm: 20 }),
      radioStep('ap-02', '2g', { txPowerDbm: 21 }),
    ];
    expect(changesOf(steps, own).map((c) => c.param)).toEqual([
      'adminStatus',
      'ap-02.5g.txPowerDbm',
      'ap-02.2g.txPowerDbm',
    ]);
    expect(changesOf([], own)).toEqual([]);
  });
});

describe('inverseOf', () => {
  it('sends a radio back to its old values, for the changed params only', () => {
    const step = radioStep('ap-01', '5g', { channel: 149, width: 80, txPowerDbm: 17 });
    expect(inverseOf(step)).toEqual({
      kind: 'radio',
      apId: 'ap-01',
      radio: '5g',
      from: { ...cfg, channel: 149, txPowerDbm: 17 },
      target: { channel: 36, txPowerDbm: 20 },
    });
    expect(changesOf([inverseOf(step)], own)).toEqual([
      { param: 'channel', oldValue: 149, newValue: 36 },
      { param: 'txPowerDbm', oldValue: 17, newValue: 20 },
    ]);
  });

  it('lifts an admission cap back to none', () => {
    const inverse = inverseOf(radioStep('ap-01', '5g', { admissionCap: 42 }));
    expect(inverse).toMatchObject({ from: { admissionCap: 42 }, target: { admissionCap: null } });
  });

  it('steers the clients back from the target to the source AP', () => {
    const step: ControllerStep = {
      kind: 'steer',
      apId: 'ap-01',
      radio: '5g',
      clientIds: ['c1', 'c2', 'c3'],
      targetApId: 'ap-02',
    };
    expect(inverseOf(step)).toEqual({
      kind: 'steer',
      apId: 'ap-02',
      radio: '5g',
      clientIds: ['c1', 'c2', 'c3'],
      targetApId: 'ap-01',
    });
    // The saga records an applied steer step with only the clients that moved: only those come back.
    expect(inverseOf({ ...step, clientIds: ['c1', 'c3'] })).toEqual({
      kind: 'steer',
      apId: 'ap-02',
      radio: '5g',
      clientIds: ['c1', 'c3'],
      targetApId: 'ap-01',
    });
  });

  it('swaps the admin status', () => {
    expect(inverseOf({ kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' })).toEqual({
      kind: 'admin',
      apId: 'ap-01',
      from: 'DOWN',
      to: 'UP',
    });
  });

  it('does not modify the step', () => {
    const step = radioStep('ap-01', '5g', { channel: 149 });
    const before = JSON.stringify(step);
    inverseOf(step);
    expect(JSON.stringify(step)).toBe(before);
  });

  it("keeps the inverse's from complete when the target names a param as undefined", () => {
    const inverse = inverseOf(radioStep('ap-01', '5g', { channel: undefined, obssPdDbm: -79 }));
    expect(inverse).toMatchObject({
      kind: 'radio',
      from: { ...cfg, obssPdDbm: -79 },
      target: { obssPdDbm: cfg.obssPdDbm },
    });
  });
});

describe('configuredAps', () => {
  it('lists the APs whose configuration changes, once each, sorted; a steering target is not one', () => {
    const steps: ControllerStep[] = [
      radioStep('ap-03', '5g', { txPowerDbm: 23 }),
      { kind: 'steer', apId: 'ap-01', radio: '5g', clientIds: ['c1'], targetApId: 'ap-09' },
      { kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' },
      radioStep('ap-03', '2g', { txPowerDbm: 21 }),
      radioStep('ap-02', '5g', { txPowerDbm: 23 }),
    ];
    expect(configuredAps(steps)).toEqual(['ap-01', 'ap-02', 'ap-03']);
    expect(configuredAps([steps[1]])).toEqual([]);
    expect(configuredAps([])).toEqual([]);
  });
});

describe('a step then its inverse: property', () => {
  const APS = ['ap-01', 'ap-02', 'ap-03'];
  const CLIENTS = ['c1', 'c2', 'c3', 'c4', 'c5'];

  interface World {
    admin: Record<string, AdminStatus>;
    radios: Record<string, Record<Radio, RadioConfig>>;
    clients: Record<string, string>;
  }

  const config: fc.Arbitrary<RadioConfig> = fc.record({
    channel: fc.integer({ min: 1, max: 165 }),
    width: fc.constantFrom(...WIDTHS),
    txPowerDbm: fc.integer({ min: 0, max: 24 }),
    obssPdDbm: fc.integer({ min: -82, max: -62 }),
    admissionCap: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  });

  const world: fc.Arbitrary<World> = fc.record({
    admin: fc.record(Object.fromEntries(APS.map((a) => [a, fc.constantFrom<AdminStatus>('UP', 'DOWN')]))),
    radios: fc.record(
      Object.fromEntries(
        APS.map((a) => [
          a,
          fc.record(Object.fromEntries(RADIOS.map((r) => [r, config])) as Record<Radio, typeof config>),
        ]),
      ),
    ),
    clients: fc.record(Object.fromEntries(CLIENTS.map((c) => [c, fc.constantFrom(...APS)]))),
  });

  /** A step planned against the world as it is (a radio step's `from` is the radio's config). */
  const stepFor = (w: World): fc.Arbitrary<ControllerStep> =>
    fc.oneof(
      fc
        .record({
          apId: fc.constantFrom(...APS),
          radio: fc.constantFrom(...RADIOS),
          target: fc.record(
            {
              channel: fc.integer({ min: 1, max: 165 }),
              width: fc.constantFrom(...WIDTHS),
              txPowerDbm: fc.integer({ min: 0, max: 24 }),
              obssPdDbm: fc.integer({ min: -82, max: -62 }),
              admissionCap: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
            },
            { requiredKeys: [] },
          ),
        })
        .map(({ apId, radio, target }): ControllerStep => ({
          kind: 'radio',
          apId,
          radio,
          from: w.radios[apId][radio],
          target,
        })),
      fc
        .record({
          apId: fc.constantFrom(...APS),
          targetApId: fc.constantFrom(...APS),
          radio: fc.constantFrom(...RADIOS),
          clientIds: fc.subarray(CLIENTS),
        })
        .filter((s) => s.apId !== s.targetApId)
        .map((s): ControllerStep => ({ kind: 'steer', ...s })),
      fc.constantFrom(...APS).map((apId): ControllerStep => ({
        kind: 'admin',
        apId,
        from: w.admin[apId],
        to: w.admin[apId] === 'UP' ? 'DOWN' : 'UP',
      })),
    );

  /** Applies a step as a controller would; returns the new world and the clients a steer actually moved. */
  function apply(w: World, step: ControllerStep): { world: World; steered: string[] } {
    const next: World = structuredClone(w);
    switch (step.kind) {
      case 'radio':
        next.radios[step.apId][step.radio] = { ...w.radios[step.apId][step.radio], ...step.target };
        return { world: next, steered: [] };
      case 'steer': {
        // Only clients still on the source AP move.
        const steered = step.clientIds.filter((c) => w.clients[c] === step.apId);
        for (const c of steered) next.clients[c] = step.targetApId;
        return { world: next, steered };
      }
      case 'admin':
        next.admin[step.apId] = step.to;
        return { world: next, steered: [] };
    }
  }

  it('restores the world, and the inverse changes are the step changes reversed', () => {
    fc.assert(
      fc.property(
        world.chain((w) => fc.tuple(fc.constant(w), stepFor(w))),
        ([w, step]) => {
          const { world: applied, steered } = apply(w, step);
          // As the saga records it: a steer step lists only the clients that moved, and none is no step.
          if (step.kind === 'steer' && steered.length === 0) return expect(applied).toEqual(w);
          const recorded: ControllerStep = step.kind === 'steer' ? { ...step, clientIds: steered } : step;
          const inverse = inverseOf(recorded);
          expect(apply(applied, inverse).world).toEqual(w);
          // A radio inverse starts from the applied config.
          if (inverse.kind === 'radio')
            expect(inverse.from).toEqual(applied.radios[step.apId][inverse.radio]);
          if (step.kind !== 'steer') {
            const forward = changesOf([step], own);
            const backward = changesOf([inverse], own);
            expect(backward).toEqual(
              forward.map((c) => ({ param: c.param, oldValue: c.newValue, newValue: c.oldValue })),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
