// collectStats asks Temporal visibility for totals first and then only for the type × outcome cells
// that can be non-zero; here against an in-memory count over a few fake executions.
import type { Client } from '@temporalio/client';
import { collectStats } from '../../client/library';

interface FakeExecution {
  type: string;
  outcome?: string;
  stage: string;
  running: boolean;
  queue: string;
}

/** Evaluates the `A = 'x' AND B = 'y'` queries collectStats writes. */
function fakeClient(executions: FakeExecution[]): { client: Client; queries: string[] } {
  const queries: string[] = [];
  const field = (e: FakeExecution, name: string): string | undefined =>
    ({
      WorkflowType: 'rrmEvent',
      TaskQueue: e.queue,
      RrmEventType: e.type,
      RrmOutcome: e.outcome,
      RrmStage: e.stage,
      ExecutionStatus: e.running ? 'Running' : 'Completed',
    })[name];
  const count = async (query: string) => {
    queries.push(query);
    const conditions = query.split(' AND ').map((c) => /^(\w+) = '(.*)'$/.exec(c)!);
    return {
      count: executions.filter((e) => conditions.every(([, k, v]) => field(e, k) === v)).length,
      groups: [],
    };
  };
  return { client: { workflow: { count } } as unknown as Client, queries };
}

describe('collectStats', () => {
  const executions: FakeExecution[] = [
    { type: 'DFS_RADAR', outcome: 'APPLIED', stage: 'done', running: true, queue: 'q' },
    { type: 'DFS_RADAR', stage: 'monitor', running: true, queue: 'q' },
    { type: 'NON_WIFI_BURST', outcome: 'REJECTED', stage: 'done', running: false, queue: 'q' },
    { type: 'NON_WIFI_BURST', outcome: 'FAILED', stage: 'apply', running: true, queue: 'q' },
    { type: 'NON_WIFI_BURST', stage: 'waiting', running: true, queue: 'q' },
    { type: 'HW_FAILURE', outcome: 'REJECTED', stage: 'done', running: false, queue: 'other' },
  ];

  it('counts events by type and outcome, pending, monitored and failed ones, in one task queue', async () => {
    const { client, queries } = fakeClient(executions);
    const stats = await collectStats(client, undefined, { taskQueue: 'q' });
    expect(stats).toMatchObject({
      taskQueue: 'q',
      pending: 1,
      monitoring: 1,
      awaitingOperator: 1,
      audit: null,
    });
    expect(stats.events.total).toBe(5);
    expect(stats.events.byOutcome).toMatchObject({ APPLIED: 1, REJECTED: 1, FAILED: 1, ROLLED_BACK: 0 });
    expect(Object.keys(stats.events.byType).sort()).toEqual(['DFS_RADAR', 'NON_WIFI_BURST']);
    expect(stats.events.byType.DFS_RADAR).toMatchObject({ total: 2, outcomes: { APPLIED: 1, REJECTED: 0 } });
    expect(stats.events.byType.NON_WIFI_BURST).toMatchObject({
      total: 3,
      outcomes: { APPLIED: 0, REJECTED: 1, FAILED: 1 },
    });
    // 1 total + 8 outcomes + 9 types (JOINT_REPLAN too) + 3 running states, then 2 types × 3 outcomes seen.
    expect(queries).toHaveLength(1 + 8 + 9 + 3 + 2 * 3);
    for (const q of queries) expect(q).toMatch(/^WorkflowType = 'rrmEvent' AND TaskQueue = 'q'/);
  });

  it('counts the whole namespace without a task queue', async () => {
    const { client } = fakeClient(executions);
    const stats = await collectStats(client);
    expect(stats.taskQueue).toBeNull();
    expect(stats.events.total).toBe(6);
    expect(stats.events.byType.HW_FAILURE).toMatchObject({ total: 1, outcomes: { REJECTED: 1 } });
  });
});
