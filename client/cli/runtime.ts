// What every `rrm` command needs: a connected client for the time of the command, and output in the
// `--json` or human form.
import type { Command } from 'commander';
import { Pool } from 'pg';
import { loadConfig, type RrmConfig } from '../../config/env';
import { loadPolicy } from '../../config/policy-file';
import { RrmClient } from '../library';

export async function withClient<T>(fn: (rrm: RrmClient, config: RrmConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const rrm = await RrmClient.connect(config.temporal, loadPolicy(config.policyFile));
  try {
    return await fn(rrm, config);
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
