// The running main job's settings file (config/running-stack.ts): written by the main job, read by
// the CLI for every variable its environment does not set while that main job runs; the environment
// always wins, and one that names its own Temporal or database keeps the file out altogether.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('is 0600 from the start, even over a file that was readable by others', () => {
    const old = join(mkdtempSync(join(tmpdir(), 'rrm-stack-')), 'running-stack.json');
    writeFileSync(old, '{}', { mode: 0o644 });
    writeRunningStack({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }, old);
    expect(statSync(old).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(old))).toEqual(['running-stack.json']); // no temporary file left
  });

  it('fills in what the environment lacks, and leaves what it sets', () => {
    const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: file, TEMPORAL_TASK_QUEUE: 'my-queue' };
    const found = applyRunningStack(env);
    expect(found).toMatchObject({ use: 'applied', stack: { file, pid: process.pid } });
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'my-queue',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
      RRM_AUDIT_HMAC_KEYS_FILE: '/repo/.local/audit-keys.json',
    });
  });

  it('ignores the file of a main job that has ended, and says so', () => {
    const stale = join(dir, 'stale.json');
    const ended = spawnSync(process.execPath, ['-e', '']).pid; // reaped: no process has it now
    writeFileSync(
      stale,
      JSON.stringify({ pid: ended, startedAt: '2026-01-01T00:00:00.000Z', env: { DATABASE_URL: 'x' } }),
    );
    const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: stale };
    expect(applyRunningStack(env)).toMatchObject({ use: 'stale', stack: { pid: ended } });
    expect(env).toEqual({ RRM_STACK_FILE: stale });
  });

  it.each(['TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'DATABASE_URL'])(
    'is not read at all when the environment sets %s (a stack of its own)',
    (variable) => {
      const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: file, [variable]: 'mine' };
      expect(applyRunningStack(env)).toBeUndefined();
      expect(env).toEqual({ RRM_STACK_FILE: file, [variable]: 'mine' });
    },
  );

  it.each([
    ['RRM_AUDIT_HMAC_KEYS', 'RRM_AUDIT_HMAC_KEYS_FILE'],
    ['RRM_AUDIT_CHECKPOINT_KEYS', 'RRM_AUDIT_CHECKPOINT_KEYS_FILE'],
  ])('takes the keys the environment lists in %s, not the file’s %s', (list, keyFile) => {
    const keyed = join(dir, `keys-${list}.json`);
    writeRunningStack(
      {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
        RRM_AUDIT_HMAC_KEYS_FILE: '/repo/.local/audit-keys.json',
        RRM_AUDIT_CHECKPOINT_KEYS_FILE: '/repo/.local/audit-checkpoint-keys.json',
      },
      keyed,
    );
    const env: NodeJS.ProcessEnv = { RRM_STACK_FILE: keyed, [list]: 'dev-1:c2VjcmV0' };
    expect(applyRunningStack(env)).toMatchObject({ use: 'applied' });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/rrm',
      [list]: 'dev-1:c2VjcmV0',
    });
    expect(env[keyFile]).toBeUndefined();
    // The other pair is not the environment's: it still comes from the file.
    expect(Object.keys(env).filter((v) => v.endsWith('_KEYS_FILE'))).toHaveLength(1);
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
