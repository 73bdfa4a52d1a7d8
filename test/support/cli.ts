// The `rrm` CLI as a child process, as an operator runs it: exit code and both outputs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CLI = join(__dirname, '../../bin/rrm.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `rrm <args>` with `env` (nothing inherited but PATH and HOME, so the test says every setting).
 * A running stack's settings file is not read unless `env` names one (RRM_STACK_FILE).
 */
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RRM_STACK_FILE: '', ...env };
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env: childEnv });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
