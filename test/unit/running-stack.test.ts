// The running main job's settings file (config/running-stack.ts): written by the main job, read by
// the CLI for every variable its environment does not set; the environment always wins.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRunningStack, runningStackFile, writeRunningStack } from '../../config/running-stack';

describe('the running stack settings file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrm-stack-'));
  const file = join(dir, 'running-stack.json');

  beforeAll(() =>
    writeRunningStack(
      {
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        TEMPORAL_TASK_QUEUE: 'rrm-event-loop',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
        RRM_AUDIT_HMAC_KEYS_FILE: '/repo/.local/audit-keys.json',
        RRM_AUDIT_HMAC_KEYS: 'dev-1:c2VjcmV0', // a secret itself: never written
        HOME: '/root',
      },
      file,
    ),
  );

  it('keeps the shared settings only, readable by its owner alone', () => {
    const written = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string>; pid: number };
    expect(written.env).toEqual({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'rrm-event-loop',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
      RRM_AUDIT_HMAC_KEYS_FILE: '/repo/.local/audit-keys.json',
    });
    expect(written.pid).toBe(process.pid);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fills in what the environment lacks, and leaves what it sets', () => {
    const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: file, TEMPORAL_TASK_QUEUE: 'my-queue' };
    const stack = applyRunningStack(env);
    expect(stack?.file).toBe(file);
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'my-queue',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
    });
  });

  it('reads nothing when RRM_STACK_FILE is empty or the file is absent; defaults under .local', () => {
    const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: '' };
    expect(applyRunningStack(env)).toBeUndefined();
    expect(env).toEqual({ RRM_STACK_FILE: '' });
    expect(applyRunningStack({ RRM_STACK_FILE: join(dir, 'absent.json') })).toBeUndefined();
    expect(runningStackFile({})).toMatch(/\.local\/running-stack\.json$/);
    expect(runningStackFile({ RRM_STATE_DIR: '/var/lib/rrm' })).toBe('/var/lib/rrm/running-stack.json');
  });

  it('names a file that is not what the main job writes', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"env": 3}');
    expect(() => applyRunningStack({ RRM_STACK_FILE: bad })).toThrow(
      /bad\.json is not a running stack's settings file/,
    );
  });
});
