// The worker process refuses to start on a bad policy file or environment, naming what is wrong,
// before it connects to anything.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const worker = join(__dirname, '../../workers/worker.ts');
const tsx = require.resolve('tsx/cli');

async function startWorker(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  try {
    await run(process.execPath, [tsx, worker], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, output: '' };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

describe('worker start-up checks', () => {
  it('refuses a bad policy file, naming every bad field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rrm-policy-')), 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({ cooldownMs: -1, events: { NON_WIFI_BURST: { minConfidence: 2 } }, typo: 1 }),
    );
    const { code, output } = await startWorker({
      RRM_POLICY_FILE: file,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
    });
    expect(code).toBe(1);
    expect(output).toContain(`policy file ${file} is invalid`);
    expect(output).toContain('cooldownMs');
    expect(output).toContain('events.NON_WIFI_BURST.minConfidence');
    expect(output).toContain('typo');
  });

  it('refuses a policy file that is not JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rrm-policy-')), 'policy.json');
    writeFileSync(file, '{ not json');
    const { code, output } = await startWorker({
      RRM_POLICY_FILE: file,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
    });
    expect(code).toBe(1);
    expect(output).toContain(`policy file ${file}`);
  });

  it('refuses a malformed DATABASE_URL by name', async () => {
    const { code, output } = await startWorker({ DATABASE_URL: 'mysql://x' });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL');
  });
});
