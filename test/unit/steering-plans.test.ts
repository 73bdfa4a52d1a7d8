import { PLANNERS, type ActionPlan, type ClientView, type PlanningContext } from '../../domain/plans';
import type { Policy } from '../../domain/policy';
import type { ApSnapshot } from '../../domain/radio';
import {
  ap,
  change,
  changesIn,
  client,
  context,
  destinations,
  event,
  policyWith,
  scan,
  steerSteps,
} from './plan-fixtures';

const OWN = 'ap-01';

/** Every steer step moves clients off the event's own AP and radio, one step per target AP. */
function expectWellFormedSteering(plan: ActionPlan): void {
  const steps = steerSteps(plan);
  expect(change(plan).steps).toHaveLength(steps.length);
  for (const s of steps) {
    expect(s.apId).toBe(OWN);
    expect(s.radio).toBe('5g');
    expect(s.clientIds.length).toBeGreaterThan(0);
  }
  const targets = steps.map((s) => s.targetApId);
  expect(new Set(targets).size).toBe(targets.length);
}

describe('QoE planner (QOE_DEGRADATION)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.QOE_DEGRADATION.plan(ctx);
  /** `poor` of `total` reported clients below QoE 0.5, named p1…, the others g1…. */
  const reported = (poor: number, total: number) => [
    ...Array.from({ length: poor }, (_, i) => ({ clientId: `p${i + 1}`, qoe: 0.1 + i * 0.05 })),
    ...Array.from({ length: total - poor }, (_, i) => ({ clientId: `g${i + 1}`, qoe: 0.8 })),
  ];
  const input = (
    clientsReported: { clientId: string; qoe: number }[],
    views: ClientView[],
    policy?: Policy,
  ) =>
    context({
      event: event('QOE_DEGRADATION', { clients: clientsReported }),
      ap: ap(OWN, { '5g': { channel: 36, width: 80, clientCount: clientsReported.length } }),
      observations: scan('US'),
      clients: views,
      policy,
    });
  /** A poor client's view with the given candidates, QoE as reported. */
  const poorView = (
    id: string,
    candidates: Partial<ClientView['candidates'][number]>[],
    o: { btmCapable?: boolean } = {},
  ) => client(id, { qoe: 0.2, candidates, ...o });

  it('changes channel when more than 30 % of the clients are poor', () => {
    // 4 of 10: 40 %. A clean scan: 149/80 is the best channel clear of 36–48 (non-DFS scores higher).
    const ctx = input(reported(4, 10), [poorView('p1', [{ apId: 'ap-02', rssiDbm: -50 }])]);
    const p = change(plan(ctx));
    expect(p.actionType).toBe('CHANNEL_CHANGE');
    expect(changesIn(ctx, p)).toEqual([{ param: 'channel', oldValue: 36, newValue: 149 }]);
    expect(p.steps).toEqual([
      { kind: 'radio', apId: OWN, radio: '5g', from: ctx.radio.config, target: { channel: 149, width: 80 } },
    ]);
  });

  it('steers rather than moving at exactly 30 %', () => {
    const ctx = input(reported(3, 10), [poorView('p1', [{ apId: 'ap-02', rssiDbm: -60 }])]);
    const p = change(plan(ctx));
    expect(p.actionType).toBe('CLIENT_STEERING');
    expect(destinations(p)).toEqual({ p1: 'ap-02' });
  });

  it('steers the poor BTM-capable clients to their strongest candidate at or above −75 dBm with room', () => {
    // 5 of 20 poor: 25 %.
    const views = [
      // Strongest neighbour full (5 of 5): next strongest.
      poorView('p1', [
        { apId: 'ap-03', rssiDbm: -62, clientCount: 5, admissionCap: 5 },
        { apId: 'ap-02', rssiDbm: -66, clientCount: 3 },
        { apId: 'ap-04', rssiDbm: -70, clientCount: 1 },
      ]),
      poorView('p2', [
        { apId: 'ap-02', rssiDbm: -64, clientCount: 3 },
        { apId: 'ap-04', rssiDbm: -68, clientCount: 1 },
      ]),
      // Cannot do BSS transition.
      poorView('p3', [{ apId: 'ap-02', rssiDbm: -50, clientCount: 3 }], { btmCapable: false }),
      // −75 dBm is still acceptable.
      poorView('p4', [{ apId: 'ap-04', rssiDbm: -75, clientCount: 1 }]),
      // −76 dBm is not.
      poorView('p5', [{ apId: 'ap-05', rssiDbm: -76, clientCount: 0 }]),
      // Not poor: stays, however good its neighbour.
      client('g1', { qoe: 0.9, candidates: [{ apId: 'ap-02', rssiDbm: -40, clientCount: 3 }] }),
    ];
    const ctx = input(reported(5, 20), views);
    const p = change(plan(ctx));
    expect(p.actionType).toBe('CLIENT_STEERING');
    expectWellFormedSteering(p);
    expect(destinations(p)).toEqual({ p1: 'ap-02', p2: 'ap-02', p4: 'ap-04' });
    expect(steerSteps(p)).toHaveLength(2);
    expect(changesIn(ctx, p)).toEqual(
      expect.arrayContaining([
        { param: 'client.p1.ap', oldValue: OWN, newValue: 'ap-02' },
        { param: 'client.p2.ap', oldValue: OWN, newValue: 'ap-02' },
        { param: 'client.p4.ap', oldValue: OWN, newValue: 'ap-04' },
      ]),
    );
    expect(changesIn(ctx, p)).toHaveLength(3);
  });

  it('counts the clients it already sent to a neighbour against its admission cap', () => {
    // ap-02 has one free slot (9 of 10): one client gets it, the other goes to ap-03.
    const candidates = [
      { apId: 'ap-02', rssiDbm: -60, clientCount: 9, admissionCap: 10 },
      { apId: 'ap-03', rssiDbm: -65, clientCount: 0 },
    ];
    const ctx = input(reported(2, 10), [poorView('p1', candidates), poorView('p2', candidates)]);
    const p = plan(ctx);
    expectWellFormedSteering(p);
    expect(Object.values(destinations(p)).sort()).toEqual(['ap-02', 'ap-03']);
    expect(Object.keys(destinations(p)).sort()).toEqual(['p1', 'p2']);
  });

  it('groups the clients going to one AP into one step', () => {
    const to02 = [{ apId: 'ap-02', rssiDbm: -60, clientCount: 2 }];
    const ctx = input(reported(3, 12), [poorView('p1', to02), poorView('p2', to02), poorView('p3', to02)]);
    const steps = steerSteps(plan(ctx));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'steer', apId: OWN, radio: '5g', targetApId: 'ap-02' });
    expect([...steps[0].clientIds].sort()).toEqual(['p1', 'p2', 'p3']);
  });

  it('steers at most maxClientsPerAction clients', () => {
    const to02 = [{ apId: 'ap-02', rssiDbm: -60, clientCount: 2 }];
    const policy = policyWith({ qoe: { maxClientsPerAction: 2 } });
    const ctx = input(
      reported(3, 12),
      [poorView('p1', to02), poorView('p2', to02), poorView('p3', to02)],
      policy,
    );
    expect(Object.keys(destinations(plan(ctx)))).toHaveLength(2);
  });

  it('does nothing when no poor client can be steered', () => {
    const ctx = input(reported(2, 10), [
      poorView('p1', [{ apId: 'ap-02', rssiDbm: -80 }]),
      poorView('p2', [{ apId: 'ap-02', rssiDbm: -50 }], { btmCapable: false }),
      client('g1', { candidates: [{ apId: 'ap-02', rssiDbm: -40 }] }),
    ]);
    expect(plan(ctx).kind).toBe('no_action');
    expect(plan(input(reported(1, 10), [poorView('p1', [])])).kind).toBe('no_action');
  });

  it('does nothing when no client is poor', () => {
    const ctx = input(reported(0, 10), [
      client('g1', { qoe: 0.3, candidates: [{ apId: 'ap-02', rssiDbm: -40 }] }),
    ]);
    expect(plan(ctx).kind).toBe('no_action');
  });

  it('follows the policy thresholds', () => {
    // 1 of 10 below 0.5 (10 %); below 0.7 the four at 0.6 count too: 5 of 10, 50 %.
    const clientsReported = [
      ...reported(1, 6),
      ...['m1', 'm2', 'm3', 'm4'].map((clientId) => ({ clientId, qoe: 0.6 })),
    ];
    const views = [poorView('p1', [{ apId: 'ap-02', rssiDbm: -60 }])];
    expect(change(plan(input(clientsReported, views))).actionType).toBe('CLIENT_STEERING');
    const stricter = policyWith({ qoe: { poorQoe: 0.7 } });
    expect(change(plan(input(clientsReported, views, stricter))).actionType).toBe('CHANNEL_CHANGE');
    const looser = policyWith({ qoe: { poorQoe: 0.7, channelChangeShare: 0.6 } });
    expect(change(plan(input(clientsReported, views, looser))).actionType).toBe('CLIENT_STEERING');
    const weakOk = policyWith({ qoe: { minCandidateRssiDbm: -85 } });
    const weak = [poorView('p1', [{ apId: 'ap-02', rssiDbm: -80 }])];
    expect(plan(input(reported(1, 10), weak)).kind).toBe('no_action');
    expect(destinations(plan(input(reported(1, 10), weak, weakOk)))).toEqual({ p1: 'ap-02' });
  });
});

describe('load planner (LOAD_IMBALANCE)', () => {
  const plan = (ctx: PlanningContext) => PLANNERS.LOAD_IMBALANCE.plan(ctx);
  const neighbour = (apId: string, clientCount: number, o: Partial<ApSnapshot> = {}) =>
    ap(apId, { '5g': { clientCount } }, o);
  const input = (own: number, neighbours: ApSnapshot[], views: ClientView[], policy?: Policy) =>
    context({
      event: event('LOAD_IMBALANCE', { clientCount: own }),
      ap: ap(OWN, { '5g': { clientCount: own } }),
      neighbours,
      clients: views,
      policy,
    });
  /** A client of ap-01 heard at `own` dBm, hearing ap-02 (4 clients) / ap-03 (6 clients) as given. */
  const at = (id: string, own: number, candidates: [string, number][]) =>
    client(id, {
      rssiDbm: own,
      candidates: candidates.map(([apId, rssiDbm]) => ({
        apId,
        rssiDbm,
        clientCount: apId === 'ap-02' ? 4 : 6,
      })),
    });
  const loads = [neighbour('ap-02', 4), neighbour('ap-03', 6)];

  it('steers floor((own − mean) / 2) clients, those hearing a neighbour better than their AP first', () => {
    // 20 against a mean of 5: 7 clients.
    const views = [
      // Hear a neighbour 15, 10 and 5 dB better than ap-01.
      at('b1', -70, [
        ['ap-02', -55],
        ['ap-03', -65],
      ]),
      at('b2', -68, [
        ['ap-03', -58],
        ['ap-02', -66],
      ]),
      at('b3', -65, [['ap-02', -60]]),
      // Hear ap-01 11…16 dB better than any neighbour: the 4 least so move.
      ...[1, 2, 3, 4, 5, 6].map((k) =>
        at(`w${k}`, -52 + k, [
          ['ap-02', -62],
          ['ap-03', -64],
        ]),
      ),
    ];
    const ctx = input(20, loads, views);
    const p = change(plan(ctx));
    expect(p.actionType).toBe('CLIENT_STEERING');
    expectWellFormedSteering(p);
    const moved = destinations(p);
    expect(Object.keys(moved).sort()).toEqual(['b1', 'b2', 'b3', 'w1', 'w2', 'w3', 'w4']);
    // Each goes to a neighbour it hears, and no neighbour ends up heavier than ap-01.
    for (const [id, target] of Object.entries(moved)) {
      expect(views.find((v) => v.clientId === id)!.candidates.map((c) => c.apId)).toContain(target);
    }
    const after = { 'ap-02': 4, 'ap-03': 6 } as Record<string, number>;
    for (const target of Object.values(moved)) after[target]++;
    for (const n of Object.values(after)) expect(n).toBeLessThanOrEqual(20 - 7);
    expect(changesIn(ctx, p)).toContainEqual({ param: 'client.b1.ap', oldValue: OWN, newValue: 'ap-02' });
  });

  it('moves one client at an excess of 1 and none when balanced', () => {
    const views = [at('c1', -60, [['ap-02', -65]]), at('c2', -60, [['ap-02', -55]])];
    // (7 − 5) / 2 = 1: the client hearing ap-02 better goes.
    expect(destinations(plan(input(7, loads, views)))).toEqual({ c2: 'ap-02' });
    // (6 − 5) / 2 rounds down to 0.
    expect(plan(input(6, loads, views)).kind).toBe('no_action');
    expect(plan(input(3, loads, views)).kind).toBe('no_action');
  });

  it('takes the mean over UP neighbours with the radio only', () => {
    const views = [at('c1', -60, [['ap-02', -55]])];
    const neighbours = [
      neighbour('ap-02', 10),
      neighbour('ap-03', 0, { status: 'DOWN' }),
      neighbour('ap-04', 0, { adminStatus: 'DOWN' }),
      ap('ap-05', { '2g': { clientCount: 0 } }),
    ];
    // Mean 10 (ap-02 alone): balanced. Counting the others would make it 2.5 and steer.
    expect(plan(input(10, neighbours, views)).kind).toBe('no_action');
    expect(plan(input(10, [], views)).kind).toBe('no_action');
  });

  it('needs the candidate at or above −70 dBm (policy.load)', () => {
    expect(plan(input(20, loads, [at('c1', -80, [['ap-02', -71]])])).kind).toBe('no_action');
    expect(destinations(plan(input(20, loads, [at('c1', -80, [['ap-02', -70]])])))).toEqual({ c1: 'ap-02' });
    const policy = policyWith({ load: { minCandidateRssiDbm: -75 } });
    expect(destinations(plan(input(20, loads, [at('c1', -80, [['ap-02', -72]])], policy)))).toEqual({
      c1: 'ap-02',
    });
  });

  it('respects a neighbour admission cap and skips clients without BSS transition', () => {
    const views = [
      client('c1', {
        rssiDbm: -70,
        candidates: [
          { apId: 'ap-02', rssiDbm: -50, clientCount: 4, admissionCap: 4 },
          { apId: 'ap-03', rssiDbm: -60, clientCount: 6 },
        ],
      }),
      client('c2', {
        rssiDbm: -70,
        btmCapable: false,
        candidates: [{ apId: 'ap-02', rssiDbm: -40, clientCount: 4 }],
      }),
    ];
    expect(destinations(plan(input(20, loads, views)))).toEqual({ c1: 'ap-03' });
  });

  it('steers at most maxClientsPerAction clients', () => {
    const views = [1, 2, 3, 4].map((k) => at(`c${k}`, -60, [['ap-02', -55]]));
    const policy = policyWith({ load: { maxClientsPerAction: 2 } });
    expect(Object.keys(destinations(plan(input(20, loads, views, policy))))).toHaveLength(2);
  });

  it('does nothing when no client can move', () => {
    const views = [
      at('c1', -60, [['ap-02', -80]]),
      client('c2', { btmCapable: false, candidates: [{ apId: 'ap-02', rssiDbm: -50, clientCount: 4 }] }),
      at('c3', -60, []),
    ];
    expect(plan(input(20, loads, views)).kind).toBe('no_action');
  });

  it('never steers a client to a neighbour that is DOWN or administratively DOWN', () => {
    const neighbours = [
      neighbour('ap-02', 4),
      neighbour('ap-03', 0, { adminStatus: 'DOWN' }),
      neighbour('ap-04', 0, { status: 'DOWN' }),
    ];
    const views = [
      client('c1', {
        rssiDbm: -65,
        candidates: [
          { apId: 'ap-03', rssiDbm: -50, clientCount: 0 },
          { apId: 'ap-04', rssiDbm: -52, clientCount: 0 },
          { apId: 'ap-02', rssiDbm: -60, clientCount: 4 },
        ],
      }),
    ];
    expect(destinations(plan(input(12, neighbours, views)))).toEqual({ c1: 'ap-02' });
  });
});
