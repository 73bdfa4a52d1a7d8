// Channel reservations (docs/coordination.md, "Reservations"), in skipped time with a stubbed
// controller whose scans show a neighbour once it has moved, never while it is choosing: three
// neighbouring radios hit at once spread out because each books its choice with the burst workflow
// and sees the bookings before it.
import { burstReplanWorkflowId, burstStateQuery, eventWorkflowId } from '../../workflows/contract';
import { policyWith } from '../support/policy';
import { eventually } from '../support/stack';
import { callsWhere, useHarness } from './harness';

const CRITICAL_BURST = {
  type: 'NON_WIFI_BURST',
  severity: 'CRITICAL',
  confidence: 0.9,
  data: { channel: 52 },
};

describe('channel reservations (rrmEvent + burstReplan, stubbed activities)', () => {
  const h = useHarness();

  /**
   * Three APs on 52/20, each the others' RF neighbour, hit at once (by one interferer on 52 their
   * source raised to CRITICAL, unless `raw` says otherwise). The controller holds every apply until
   * all three have chosen (and booked), so no move shows in a scan before the last choice: only
   * bookings can spread them.
   */
  async function hitThreeNeighbours(raw: Record<string, unknown> = CRITICAL_BURST) {
    const apIds = [0, 1, 2].map(() => h.newAp({ '5g': { channel: 52, width: 20 } }));
    for (const id of apIds)
      h.controller.setNeighbours(
        id,
        apIds.filter((n) => n !== id),
      );
    const holds = apIds.map((id) => h.controller.holdNextApply(id));
    const events = await Promise.all(apIds.map((apId) => h.start({ ...raw, apId })));
    await Promise.all(holds.map((held) => held.reached));
    for (const held of holds) held.release('apply');
    for (const { eventId } of events) await h.statusWhen(eventId, (s) => s.stage === 'monitor');
    const reasons = events.map(
      ({ eventId }) => h.audit.of(eventId).find((e) => e.executionStatus === 'APPLIED')!.reason,
    );
    return {
      apIds,
      eventIds: events.map((e) => e.eventId),
      reasons,
      channels: apIds.map((id) => h.controller.radio(id).channel),
    };
  }

  /** The event's booking, its answer asked for (sent back to the event's workflow). */
  const bookingAnsweredTo = (eventId: string) =>
    expect.objectContaining({
      eventId,
      answerTo: expect.objectContaining({ workflowId: eventWorkflowId(eventId) }),
    });

  it('spreads neighbours choosing in the same second; the booking ends when the move lands', async () => {
    // Off: this test is about the fast moves, not the re-plan that would fix a pile-up afterwards.
    h.policy.current = policyWith({
      jointReplan: { enabled: false },
      channelReservations: { criticalAnswerWithinMs: 2000 },
    });
    const { apIds, eventIds, reasons, channels } = await hitThreeNeighbours();
    expect(new Set(channels).size).toBe(3);
    // Whoever booked second saw the first, and whoever booked last saw both.
    const seen = reasons.map((r) => r.match(/counting neighbours' moves in flight: (.*?)(;|$)/)?.[1] ?? '');
    expect(seen.map((s) => s.split(', ').filter(Boolean).length).sort()).toEqual([0, 1, 2]);
    for (const s of seen.filter(Boolean)) expect(apIds.some((id) => s.includes(`${id} on `))).toBe(true);
    const burst = h.env.client.workflow.getHandle(burstReplanWorkflowId(h.taskQueue));
    await eventually(async () =>
      (await burst.query(burstStateQuery)).reservations.length === 0 ? true : undefined,
    );
    // Each booked its choice and waited for the answer; each landing was noted, which ended its booking.
    for (const eventId of eventIds) {
      expect(h.activities.reserveChannel).toHaveBeenCalledWith(bookingAnsweredTo(eventId));
      expect(h.activities.noteChannelChange).toHaveBeenCalledWith(expect.objectContaining({ eventId }));
    }
  });

  it('by default a CRITICAL move does not wait: it draws among the equally good channels, books nothing and says so', async () => {
    h.policy.current = policyWith({ jointReplan: { enabled: false } });
    const { apIds, eventIds, reasons } = await hitThreeNeighbours();
    reasons.forEach((reason, i) => {
      expect(reason).toContain("neighbours' moves in flight not seen: not waited for (CRITICAL)");
      expect(reason).toMatch(new RegExp(`\\(tie of 9, drawn for ${apIds[i]}/5g\\)`));
    });
    for (const eventId of eventIds) {
      expect(h.activities.reserveChannel).not.toHaveBeenCalledWith(expect.objectContaining({ eventId }));
    }
  });

  it('a radar move (the reflex) neither waits nor books: it draws among the equally good channels and says so', async () => {
    h.policy.current = policyWith({
      jointReplan: { enabled: false },
      channelReservations: { criticalAnswerWithinMs: 2000 },
    });
    const { apIds, eventIds, reasons } = await hitThreeNeighbours({
      type: 'DFS_RADAR',
      data: { channel: 52 },
    });
    reasons.forEach((reason, i) => {
      expect(reason).toContain("neighbours' moves in flight not seen: a radar move waits for none");
      expect(reason).toMatch(new RegExp(`\\(tie of 9, drawn for ${apIds[i]}/5g\\)`));
    });
    // Each move is its reflex's, once: no booking, no turn.
    for (const eventId of eventIds) {
      expect(callsWhere(h.activities.moveOffRadar, (r) => r.event.eventId === eventId)).toHaveLength(1);
      expect(h.activities.reserveChannel).not.toHaveBeenCalledWith(expect.objectContaining({ eventId }));
      expect(h.activities.requestApTurn).not.toHaveBeenCalledWith(
        expect.objectContaining({ request: expect.objectContaining({ eventId }) }),
      );
    }
  });

  it('a move that is not CRITICAL waits for the answer (answerWithinMs): neighbours hit by one interferer spread', async () => {
    // A generous time box: a loaded CI machine can take longer than the default 250 ms to answer.
    h.policy.current = policyWith({
      jointReplan: { enabled: false },
      channelReservations: { answerWithinMs: 2000 },
    });
    const { eventIds, reasons, channels } = await hitThreeNeighbours({
      type: 'NON_WIFI_BURST',
      confidence: 0.9,
      data: { channel: 52 },
    });
    expect(new Set(channels).size).toBe(3);
    for (const reason of reasons) expect(reason).not.toContain('not seen');
    for (const eventId of eventIds) {
      expect(h.activities.reserveChannel).toHaveBeenCalledWith(bookingAnsweredTo(eventId));
    }
  });

  it('moves every radio when the booking fails, and says so', async () => {
    h.policy.current = policyWith({
      jointReplan: { enabled: false },
      channelReservations: { criticalAnswerWithinMs: 2000 },
    });
    h.bookings.failing = true;
    try {
      const { eventIds, reasons } = await hitThreeNeighbours();
      for (const reason of reasons)
        expect(reason).toContain("neighbours' moves in flight not seen: booking failed");
      // Each tried to book and wait for the answer; the booking failed and the move went on.
      for (const eventId of eventIds) {
        expect(h.activities.reserveChannel).toHaveBeenCalledWith(bookingAnsweredTo(eventId));
      }
    } finally {
      h.bookings.failing = false;
    }
  });

  it('books nothing when the policy turns reservations off', async () => {
    h.policy.current = policyWith({
      jointReplan: { enabled: false },
      channelReservations: { enabled: false },
    });
    const { eventIds, reasons, channels } = await hitThreeNeighbours();
    expect(new Set(channels).size).toBe(1);
    for (const reason of reasons) expect(reason).not.toContain('in flight');
    for (const eventId of eventIds) {
      expect(h.activities.reserveChannel).not.toHaveBeenCalledWith(expect.objectContaining({ eventId }));
      expect(h.activities.noteChannelChange).not.toHaveBeenCalledWith(expect.objectContaining({ eventId }));
    }
  });
});
