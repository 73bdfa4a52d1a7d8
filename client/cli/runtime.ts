// What every `rrm` command needs: the running stack's settings where the environment names no stack
// of its own, a connected client for the time of the command, failures that name their cause, and
// output in the `--json` or human form.
import type { Command } from 'commander';
import { Pool } from 'pg';
import { loadConfig, type RrmConfig } from '../../config/env';
import { loadPolicy } from '../../config/policy-file';
import { applyRunningStack, shownPath, type RunningStack } from '../../config/running-stack';
import { RrmClient } from '../library';
import { explainTemporalFailure, noWorker, temporalUnreachable } from './failures';

let runningStack: RunningStack | undefined;

/**
 * Applies the running main job's settings file, before any command: every variable the environment
 * lacks comes from it. Says on stderr which stack is used, or that the file is stale (stdout stays
 * the command's own, for `--json`).
 */
export function useRunningStack(): void {
  const found = applyRunningStack();
  if (!found) return;
  const { pid, startedAt, file } = found.stack;
  if (found.use === 'stale') {
    process.stderr.write(
      `rrm: ignoring ${shownPath(file)}: it is stale, its main job (pid ${pid}, started ${startedAt}) is not running\n`,
    );
    return;
  }
  runningStack = found.stack;
  process.stderr.write(
    `rrm: using the running main job's stack (pid ${pid}, started ${startedAt}) from ${shownPath(file)}\n`,
  );
}

/** How long a command waits to reach Temporal before it says it cannot. */
const CONNECT_TIMEOUT = '3s';

/**
 * Runs `fn` with a client. A command that needs the loop's worker (a query, an update, an outcome
 * to wait for) first checks that one polls the task queue, so it fails at once instead of waiting.
 */
export async function withClient<T>(
  fn: (rrm: RrmClient, config: RrmConfig) => Promise<T>,
  { needsWorker = true } = {},
): Promise<T> {
  const config = loadConfig();
  const policy = loadPolicy(config.policyFile);
  const rrm = await RrmClient.connect(config.temporal, policy, { connectTimeout: CONNECT_TIMEOUT }).catch(
    (err: unknown) => {
      throw temporalUnreachable(err, config, runningStack);
    },
  );
  try {
    const missing = needsWorker ? await noWorker(rrm.client, config, runningStack) : undefined;
    if (missing) throw missing;
    return await fn(rrm, config);
  } catch (err) {
    throw await explainTemporalFailure(err, rrm.client, config, runningStack);
  } finally {
    await rrm.close();
  }
}

/** A small pool on DATABASE_URL for the time of `fn`; `fn` gets undefined when it is not set. */
export async function withOptionalPool<T>(
  config: RrmConfig,
  fn: (pool: Pool | undefined) => Promise<T>,
): Promise<T> {
  if (!config.databaseUrl) return fn(undefined);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** True when `--json` was given (before or after the command's name). */
export const wantsJson = (command: Command): boolean => Boolean(command.optsWithGlobals().json);

export const printJson = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
