// The running main job's settings, for the `rrm` CLI in a second terminal: the main job writes where
// its Temporal, task queue, database and audit keys are to a git-ignored file (default
// `.local/running-stack.json`, or RRM_STACK_FILE; empty: none), and the CLI takes from it every
// variable its environment does not set, so the README's examples work as written. Never two stacks
// mixed: the file is not read when the environment names a Temporal or a database of its own, and it
// is ignored once its main job has ended.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';

/** What the main job shares: connection settings and the audit key files (not their contents). */
export const SHARED_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'DATABASE_URL',
  'RRM_CONTROLLER',
  'RRM_CONTROLLER_URL',
  'RRM_OPENWIFI_GATEWAY_URL',
  'RRM_OPENWIFI_SECURITY_URL',
  'RRM_OPENWIFI_USER',
  'RRM_OPENWIFI_API_KEY_FILE',
  'RRM_OPENWIFI_PASSWORD_FILE',
  'RRM_OPENWIFI_CA_FILE',
  'RRM_POLICY_FILE',
  'RRM_AUDIT_HMAC_KEYS_FILE',
  'RRM_AUDIT_CHECKPOINT_KEYS_FILE',
  'RRM_AUDIT_CHECKPOINT_DIR',
] as const;
type SharedVariable = (typeof SHARED_VARIABLES)[number];

const RunningStackSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  env: z.partialRecord(z.enum(SHARED_VARIABLES), z.string()),
});

export type RunningStack = z.infer<typeof RunningStackSchema> & { file: string };

/** What the CLI made of the file: its settings filled in, or the file ignored as its main job ended. */
export type RunningStackUse = { use: 'applied'; stack: RunningStack } | { use: 'stale'; stack: RunningStack };

/** Variables that name a Temporal or a database: with any of them set, the file is not read. */
const OWN_STACK_VARIABLES = ['TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'DATABASE_URL'];

/**
 * Keys the environment gives as a list, by the key file the main job shares for the same keys: the
 * file's key file is left out, or the keys would be given twice (the audit refuses both at once).
 */
const KEY_FILE_OF_LIST: Record<string, SharedVariable> = {
  RRM_AUDIT_HMAC_KEYS: 'RRM_AUDIT_HMAC_KEYS_FILE',
  RRM_AUDIT_CHECKPOINT_KEYS: 'RRM_AUDIT_CHECKPOINT_KEYS_FILE',
};

const isSet = (value: string | undefined): boolean => Boolean(value?.trim());

/** The settings file's path, or undefined when RRM_STACK_FILE is set empty. */
export function runningStackFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RRM_STACK_FILE !== undefined) return env.RRM_STACK_FILE.trim() || undefined;
  const stateDir = env.RRM_STATE_DIR?.trim() || join(__dirname, '..', '.local');
  return join(stateDir, 'running-stack.json');
}

/**
 * Written by the main job once its stack is up; readable by its user only (it names the key files).
 * Written to a new file made 0600 and renamed over the old one: an existing file would keep its mode.
 */
export function writeRunningStack(env: NodeJS.ProcessEnv, file = runningStackFile(env)): void {
  if (!file) return;
  const shared = Object.fromEntries(SHARED_VARIABLES.filter((v) => env[v]).map((v) => [v, env[v]!]));
  const content = { pid: process.pid, startedAt: new Date().toISOString(), env: shared };
  mkdirSync(dirname(file), { recursive: true });
  const written = `${file}.${process.pid}.tmp`;
  rmSync(written, { force: true });
  writeFileSync(written, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(written, file);
}

/**
 * Sets every shared variable `env` lacks from the running stack's file, while its main job runs; what
 * was made of the file, or undefined when there is none or the environment names its own Temporal or
 * database. A file that is not what the main job writes is an error naming it.
 */
export function applyRunningStack(env: NodeJS.ProcessEnv = process.env): RunningStackUse | undefined {
  const file = runningStackFile(env);
  if (!file || OWN_STACK_VARIABLES.some((v) => isSet(env[v]))) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = RunningStackSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new Error(
      `${shownPath(file)} is not a running stack's settings file: remove it, or set RRM_STACK_FILE=''`,
    );
  }
  const stack = { ...parsed.data, file };
  if (!isRunning(stack.pid)) return { use: 'stale', stack };
  const keptOut = new Set<string>(
    Object.entries(KEY_FILE_OF_LIST).flatMap(([list, keyFile]) => (isSet(env[list]) ? [keyFile] : [])),
  );
  for (const [name, value] of Object.entries(stack.env)) {
    if (!isSet(env[name]) && !keptOut.has(name)) env[name] = value;
  }
  return { use: 'applied', stack };
}

/** The file as a message names it: relative to the working directory when under it. */
export function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

/** True while a process has this pid (EPERM: it runs, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
