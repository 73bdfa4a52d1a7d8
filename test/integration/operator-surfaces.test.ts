// The operator CLI on the real stack, as a child process: `rrm commit` ends monitoring early,
// `rrm stats` counts this stack's events (visibility lags: poll), and failures exit 1 with one line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RrmStats } from '../../client/library';
import type { EventStatus } from '../../workflows/contract';
import { radarInMonitor as monitoredRadar } from '../support/scenarios';
import { eventually, startStack, type Stack } from '../support/stack';

const execFileAsync = promisify(execFile);
const CLI = join(__dirname, '../../bin/rrm.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('operator CLI on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  async function rrm(...args: string[]): Promise<CliResult> {
    const env = {
      ...process.env,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATABASE_URL: stack.databaseUrl,
      RRM_OPERATOR: 'test-operator',
    };
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const stats = async (): Promise<RrmStats> => {
    const res = await rrm('stats', '--json');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(res.stdout) as RrmStats;
  };

  /** Polls `rrm stats --json` until `done`; a timeout shows the last answer. */
  async function statsUntil(done: (s: RrmStats) => boolean): Promise<RrmStats> {
    let last: RrmStats | undefined;
    try {
      return await eventually(async () => {
        last = await stats();
        return done(last) ? last : undefined;
      }, 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}; last stats: ${JSON.stringify(last)}`);
    }
  }

  const radarInMonitor = (eventId: string) => monitoredRadar(stack, stack.ap('ap-05'), eventId);

  const finished = (eventId: string) => stack.rrm.result(eventId);

  // Below the type's minimum confidence: it ends REJECTED at once and touches no AP.
  const lowConfidence = (name: string) => ({
    eventId: `${name}-${stack.ap('x')}`,
    type: 'NON_WIFI_BURST',
    apId: stack.ap('ap-07'),
    confidence: 0.2,
  });

  it('commits a monitored change early; stats count it under monitoring, then as APPLIED', async () => {
    const eventId = `radar-cli-${stack.ap('x')}`;
    await radarInMonitor(eventId);
    const rejected = [lowConfidence('rej-1'), lowConfidence('rej-2')];
    await stack.rrm.submit(rejected);
    await Promise.all(rejected.map((e) => finished(e.eventId)));

    const during = await statsUntil(
      (s) => s.monitoring === 1 && s.events.byType.NON_WIFI_BURST?.outcomes.REJECTED === 2,
    );
    expect(during).toMatchObject({ taskQueue: stack.taskQueue, pending: 0, events: { total: 3 } });

    const commit = await rrm('--json', 'commit', eventId, '--reason', 'looks good');
    expect(commit).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(commit.stdout) as EventStatus).toMatchObject({ eventId });
    expect(await stack.rrm.result(eventId)).toMatchObject({ outcome: 'APPLIED' });
    const audit = await stack.query<{ execution_status: string }>(
      'select execution_status from audit_records where event_id = $1 order by chain_position',
      [eventId],
    );
    expect(audit.map((r) => r.execution_status)).toEqual(expect.arrayContaining(['APPLIED', 'COMMITTED']));

    const after = await statsUntil((s) => s.monitoring === 0 && s.events.byOutcome.APPLIED === 1);
    expect(after.events).toMatchObject({
      total: 3,
      byOutcome: { APPLIED: 1, REJECTED: 2, ROLLED_BACK: 0 },
      byType: {
        DFS_RADAR: { total: 1, outcomes: { APPLIED: 1, REJECTED: 0 } },
        NON_WIFI_BURST: { total: 2, outcomes: { APPLIED: 0, REJECTED: 2 } },
      },
    });
    expect(after.audit).toEqual({ actionsExecuted: 1, rollbacks: { automatic: 0, manual: 0 } });

    const table = await rrm('stats');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ {2}DFS_RADAR +1 +1 +0$/m);
    expect(table.stdout).toContain('actions executed: 1');
  });

  it('exits 1 with "no event" for a control on an unknown event', async () => {
    const res = await rrm('rollback', 'no-such-event', '--reason', 'test');
    expect(res).toMatchObject({ code: 1, stdout: '', stderr: 'rrm: no event no-such-event\n' });
  });

  it('exits 1 with a one-line refusal for a control on a finished event', async () => {
    const event = lowConfidence('finished');
    await stack.rrm.submit([event]);
    await finished(event.eventId);
    for (const control of ['rollback', 'retry', 'abandon', 'commit']) {
      const res = await rrm(control, event.eventId);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`^rrm: ${control} refused: [^\\n]*finished[^\\n]*\\n$`));
    }
  });
});
