// Hostile and careless input on the real stack (Temporal dev server, PostgreSQL, simulator over
// HTTP): an AP the controller does not know is refused at once, refused operator controls are
// signed into the audit trail, one event sent a hundred times at once starts once with every
// request answered, and a control's held request answers within its deadline.
import { ControlPendingError, runOperatorControl } from '../../client/library';
import type { IngestServer } from '../../client/http-ingest/server';
import { ALICE_TOKEN, ingestOnStack, TOKEN } from '../support/ingest-on-stack';
import type { EventStatus } from '../../workflows/contract';
import { EVENT_WORKFLOW_TYPE, eventWorkflowId } from '../../workflows/contract';
import { eventually, startStack, type Stack } from '../support/stack';

describe('hostile input on the real stack', () => {
  let stack: Stack;
  let server: IngestServer;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    ({ server, base } = await ingestOnStack(stack, { processMetrics: false }));
  });
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
  });

  const post = async (path: string, body: unknown, token = TOKEN) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const finished = (eventId: string) => stack.rrm.eventHandle(eventId).result() as Promise<EventStatus>;
  const auditOf = (eventId: string) =>
    stack.query<{
      execution_status: string;
      reason: string;
      operator: string | null;
      ap_id: string;
      event_type: string;
    }>(
      'select execution_status, reason, operator, ap_id, event_type from audit_records where event_id = $1 order by chain_position',
      [eventId],
    );

  it.each(['HW_FAILURE', 'NON_WIFI_BURST'])(
    'ends a %s on an AP the controller does not know REJECTED at once, naming the AP, audited',
    async (type) => {
      const eventId = `ghost-${type}-${stack.ap('x')}`;
      const apId = `ghost-${stack.ap('ap-1')}`;
      await stack.rrm.submit([{ eventId, type, apId, data: {} }]);
      const status = await finished(eventId);
      expect(status.outcome).toBe('REJECTED');
      expect(status.reason).toContain(`does not know AP ${apId}`);
      expect(await auditOf(eventId)).toEqual([
        expect.objectContaining({ execution_status: 'REJECTED', reason: status.reason }),
      ]);
    },
  );

  it('signs a refused control into the audit trail: unknown event, finished event, another operator', async () => {
    const unknown = `no-such-${stack.ap('x')}`;
    expect((await post(`/v1/events/${unknown}/rollback`, { operator: 'bob', reason: 'try' })).status).toBe(
      404,
    );

    const done = `done-${stack.ap('x')}`;
    await stack.rrm.submit([
      { eventId: done, type: 'LOAD_IMBALANCE', apId: stack.ap('ap-07'), confidence: 0.1 },
    ]);
    await finished(done);
    expect((await post(`/v1/events/${done}/rollback`, { operator: 'bob' })).status).toBe(409);
    const mismatch = await post(`/v1/events/${done}/commit`, { operator: 'mallory' }, ALICE_TOKEN);
    expect(mismatch.status).toBe(403);

    const refused = async (eventId: string, count: number) => {
      const rows = (await auditOf(eventId)).filter((r) => r.execution_status === 'REFUSED');
      return rows.length >= count ? rows : undefined;
    };
    expect(await eventually(() => refused(unknown, 1))).toEqual([
      {
        execution_status: 'REFUSED',
        reason: `rollback refused: no event ${unknown}`,
        operator: 'bob (unverified)',
        ap_id: '-',
        event_type: 'UNKNOWN',
      },
    ]);
    const ofDone = await eventually(() => refused(done, 2));
    expect(ofDone.sort((a, b) => a.operator!.localeCompare(b.operator!))).toEqual([
      expect.objectContaining({
        operator: 'alice',
        reason: expect.stringContaining('(the body named mallory)'),
        ap_id: stack.ap('ap-07'),
        event_type: 'LOAD_IMBALANCE',
      }),
      expect.objectContaining({
        operator: 'bob (unverified)',
        reason: expect.stringMatching(/^rollback refused: .*finished/),
      }),
    ]);
  });

  it('answers all of 100 concurrent submissions of one event without an eventId: one starts it', async () => {
    const event = {
      type: 'LOAD_IMBALANCE',
      apId: stack.ap('ap-08'),
      confidence: 0.1,
      detectedAt: new Date().toISOString(),
    };
    const answers = await Promise.all(Array.from({ length: 100 }, () => post('/v1/events', event)));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
    const submitted = answers.flatMap((a) => a.json.submitted as { eventId: string; duplicate: boolean }[]);
    expect(new Set(submitted.map((s) => s.eventId)).size).toBe(1);
    expect(submitted.filter((s) => !s.duplicate)).toHaveLength(1);
  });

  it("answers a control within the caller's deadline when no worker takes it", async () => {
    // An event workflow on a task queue no worker polls: the control is never accepted.
    const eventId = `unserved-${stack.ap('x')}`;
    await stack.rrm.client.workflow.start(EVENT_WORKFLOW_TYPE, {
      workflowId: eventWorkflowId(eventId),
      taskQueue: `${stack.taskQueue}-nobody`,
      args: [{}],
    });
    const started = Date.now();
    const answer = await runOperatorControl(stack.rrm, 'rollback', eventId, { operator: 'bob' }, 1_500).catch(
      (e: unknown) => e,
    );
    expect(answer).toBeInstanceOf(ControlPendingError);
    expect(answer).toMatchObject({ accepted: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    await stack.rrm.eventHandle(eventId).terminate('test done');
  });
});
