// PostgreSQL closing the worker's connections (a restart, a failover) must not end the worker: the
// pool replaces them and the next event is handled and signed into the audit as usual.
import { harmlessEvent, statusWhen } from '../support/scenarios';
import { startStack, type Stack } from '../support/stack';

describe('the worker across a loss of its PostgreSQL connections', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  const handled = async (apId: string, eventId: string) => {
    await stack.rrm.submit([await harmlessEvent(stack, apId, { eventId })]);
    await statusWhen(stack, eventId, (s) => s.outcome === 'NO_ACTION');
    return stack.query('select 1 from audit_records where event_id = $1', [eventId]);
  };

  it('keeps handling and auditing events after PostgreSQL closes its connections', async () => {
    const apId = stack.ap('ap-03');
    expect(await handled(apId, `${apId}-before`)).toHaveLength(1);

    const terminated = await stack.query<{ pid: number }>(
      `select pg_terminate_backend(pid) as pid from pg_stat_activity
       where datname = current_database() and application_name = 'rrm-worker'`,
    );
    expect(terminated.length).toBeGreaterThan(0);

    expect(await handled(apId, `${apId}-after`)).toHaveLength(1);
  });
});
