// A burst re-planned as one, in skipped time with a stubbed controller: three neighbouring radios
// that all moved onto 149/80 are told to the burst workflow; once the burst is quiet it plans them
// jointly and starts a JOINT_REPLAN event per move, which moves each radio under its turn and signs it.
import {
  BURST_REPLAN_WORKFLOW_TYPE,
  burstReplanWorkflowId,
  burstStateQuery,
  channelChangedSignal,
} from '../../workflows/contract';
import { describeGain, overlaps } from '../../domain/joint-plan';
import { policyWith } from '../support/policy';
import { SECOND, useHarness } from './harness';

describe('joint re-plan of a burst (burstReplan + rrmEvent, stubbed activities)', () => {
  const h = useHarness();

  it('spreads three neighbours piled on one channel, each move an event of its own', async () => {
    h.policy.current = policyWith({ jointReplan: { enabled: true } });
    const apIds = [0, 1, 2].map(() => h.newAp({ '5g': { channel: 149, width: 80 } }));
    for (const id of apIds)
      h.controller.setNeighbours(
        id,
        apIds.filter((n) => n !== id),
      );
    const burst = h.env.client.workflow.getHandle(burstReplanWorkflowId(h.taskQueue));
    const now = await h.now();
    for (const apId of apIds) {
      await h.env.client.workflow.signalWithStart(BURST_REPLAN_WORKFLOW_TYPE, {
        workflowId: burstReplanWorkflowId(h.taskQueue),
        taskQueue: h.taskQueue,
        args: [[]],
        signal: channelChangedSignal,
        signalArgs: [{ eventId: `radar-${apId}`, apId, radio: '5g', severity: 'CRITICAL', at: now }],
      });
    }
    expect((await burst.query(burstStateQuery)).pending).toHaveLength(3);

    await h.env.sleep(15 * SECOND); // the burst goes quiet after 10 s
    const state = await burst.query(burstStateQuery);
    expect(state.pending).toEqual([]);
    const [planned] = state.planned;
    expect(planned).toMatchObject({ apIds: [...apIds].sort(), coChannelPairs: { before: 3, after: 0 } });
    expect(planned.moves.length).toBeGreaterThanOrEqual(2);

    for (const move of planned.moves) {
      // Each names its gain: the pairs it leaves, or the interference of 149 (the stub's scan jams a
      // radio's own channel) when no neighbour is planned there.
      expect(move.gain).toMatchObject({ after: 0 });
      const status = await h.statusWhen(move.eventId, (s) => s.stage === 'monitor');
      expect(status).toMatchObject({
        type: 'JOINT_REPLAN',
        severity: 'LOW', // an optimisation, whatever the burst's severity
        actionType: 'CHANNEL_CHANGE',
      });
      const applied = h.audit.of(move.eventId).find((e) => e.executionStatus === 'APPLIED')!;
      expect(applied.reason).toContain(
        `joint re-plan of burst ${planned.burstId} (3 radios, co-channel neighbour pairs 3 → 0)`,
      );
      // Planned with its neighbours: no note that it did not see them.
      expect(applied.reason).not.toContain("neighbours' moves in flight not seen");
      expect(applied.reason).toContain(`, for ${describeGain(move.gain!)}`);
      // The move under its radio's turn, onto the channel the joint plan chose for it.
      expect(h.activities.requestApTurn).toHaveBeenCalledWith(
        expect.objectContaining({
          apId: move.apId,
          request: expect.objectContaining({ eventId: move.eventId, type: 'JOINT_REPLAN' }),
        }),
      );
      expect(h.activities.applyStep).toHaveBeenCalledWith(
        expect.objectContaining({
          changeId: `${move.eventId}:apply:1.0:0`,
          step: expect.objectContaining({
            apId: move.apId,
            radio: '5g',
            target: expect.objectContaining({ channel: move.to.channel }),
          }),
        }),
      );
      // A re-plan's move neither reserves (its channel was planned with its neighbours') nor is
      // noted for another re-plan.
      expect(h.activities.noteChannelChange).not.toHaveBeenCalledWith(
        expect.objectContaining({ eventId: move.eventId }),
      );
    }
    expect(h.activities.reserveChannel).not.toHaveBeenCalledWith(
      expect.objectContaining({ eventId: expect.stringMatching(`^replan-${planned.burstId}-`) }),
    );
    // The plan avoided the radar closures of the whole group, read at once.
    expect(h.activities.closedChannelsOf).toHaveBeenCalledWith(expect.arrayContaining(apIds), '5g');
    const channels = apIds.map((id) => h.controller.radio(id));
    for (let i = 0; i < channels.length; i++)
      for (let j = i + 1; j < channels.length; j++) {
        expect(overlaps(channels[i], channels[j], '5g', 'US')).toBe(false);
      }
  });

  it("takes over a radar move's watch without outranking a QoE event: it waits as long as after the radar alone", async () => {
    // Radar moves take the first best channel (no reservations): the three neighbours pile up on it.
    h.policy.current = policyWith({
      jointReplan: { enabled: true },
      channelReservations: { enabled: false },
    });
    const apIds = [0, 1, 2].map(() => h.newAp({ '5g': { channel: 52, width: 80 } }));
    for (const id of apIds)
      h.controller.setNeighbours(
        id,
        apIds.filter((n) => n !== id),
      );
    const radars = await Promise.all(
      apIds.map((apId) => h.start({ type: 'DFS_RADAR', apId, data: { channel: 52 } })),
    );
    await Promise.all(radars.map((r) => h.statusWhen(r.eventId, (s) => s.stage === 'monitor')));
    const radarWatches = await Promise.all(
      apIds.map(async (apId) => (await h.apState(apId)).radios['5g'].watch!),
    );

    await h.env.sleep(15 * SECOND); // the burst goes quiet after 10 s, then its moves start
    const burst = h.env.client.workflow.getHandle(burstReplanWorkflowId(h.taskQueue));
    const planned = (await burst.query(burstStateQuery)).planned.find((p) => p.apIds.includes(apIds[0]))!;
    const [move] = planned.moves;
    const i = apIds.indexOf(move.apId);
    await h.statusWhen(move.eventId, (s) => s.stage === 'monitor');
    // It took the radar's watch over (the radar event ends, its move kept) and keeps its rank until
    // the radar's watch would have ended.
    expect(await h.outcomeOf(radars[i].eventId)).toMatchObject({ outcome: 'SUPERSEDED' });
    const replanWatch = (await h.apState(move.apId)).radios['5g'].watch!;
    expect(replanWatch).toMatchObject({
      eventId: move.eventId,
      severity: 'LOW',
      inherits: { severity: 'CRITICAL', until: radarWatches[i].until, from: radars[i].eventId },
    });
    expect(h.activities.requestApTurn).toHaveBeenCalledWith(
      expect.objectContaining({
        request: expect.objectContaining({
          eventId: move.eventId,
          severity: 'LOW',
          takesOver: radars[i].eventId,
        }),
      }),
    );

    const qoe = await h.start({
      type: 'QOE_DEGRADATION',
      apId: move.apId,
      data: { clients: [{ clientId: 'c-1', qoe: 0.2 }] },
    });
    await h.apStateWhen(move.apId, (s) => s.radios['5g'].queue.includes(qoe.eventId));
    // Until the radar's watch would have ended it waits, as it would behind the radar move alone ...
    await h.env.sleep(radarWatches[i].until - (await h.now()) - 5 * SECOND);
    expect(await h.status(qoe.eventId)).toMatchObject({ stage: 'waiting' });
    // ... and then it goes, before the re-plan's own window ends: the re-plan is superseded, its move kept.
    await h.env.sleep(10 * SECOND);
    const going = await h.statusWhen(qoe.eventId, (s) => s.stage !== 'waiting');
    expect(going.waitedForWatchOf).toBe(move.eventId);
    expect(await h.now()).toBeLessThan(replanWatch.until);
    expect(await h.outcomeOf(move.eventId)).toMatchObject({ outcome: 'SUPERSEDED' });
  });
});
