// The running main job's settings, for the `rrm` CLI in a second terminal: the main job writes where
// its Temporal, task queue, database and audit keys are to a git-ignored file (default
// `.local/running-stack.json`, or RRM_STACK_FILE; empty: none), and the CLI takes from it every
// variable its environment does not set, so the README's examples work as written.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';

/** What the main job shares: connection settings and the audit key files (not their contents). */
export const SHARED_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'DATABASE_URL',
  'RRM_CONTROLLER_URL',
  'RRM_POLICY_FILE',
  'RRM_AUDIT_HMAC_KEYS_FILE',
  'RRM_AUDIT_CHECKPOINT_KEYS_FILE',
  'RRM_AUDIT_CHECKPOINT_DIR',
] as const;

const RunningStackSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  env: z.partialRecord(z.enum(SHARED_VARIABLES), z.string()),
});

export type RunningStack = z.infer<typeof RunningStackSchema> & { file: string };

/** The settings file's path, or undefined when RRM_STACK_FILE is set empty. */
export function runningStackFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RRM_STACK_FILE !== undefined) return env.RRM_STACK_FILE.trim() || undefined;
  const stateDir = env.RRM_STATE_DIR?.trim() || join(__dirname, '..', '.local');
  return join(stateDir, 'running-stack.json');
}

/** Written by the main job once its stack is up; readable by its user only (it names the key files). */
export function writeRunningStack(env: NodeJS.ProcessEnv, file = runningStackFile(env)): void {
  if (!file) return;
  const shared = Object.fromEntries(SHARED_VARIABLES.filter((v) => env[v]).map((v) => [v, env[v]!]));
  const content = { pid: process.pid, startedAt: new Date().toISOString(), env: shared };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Sets every shared variable `env` lacks from the running stack's file; the file read, or undefined
 * when there is none. A file that is not what the main job writes is an error naming it.
 */
export function applyRunningStack(env: NodeJS.ProcessEnv = process.env): RunningStack | undefined {
  const file = runningStackFile(env);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = RunningStackSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new Error(
      `${relative(process.cwd(), file)} is not a running stack's settings file: remove it, or set RRM_STACK_FILE=''`,
    );
  }
  for (const [name, value] of Object.entries(parsed.data.env)) env[name] ??= value;
  return { ...parsed.data, file };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
