// The sensing bridge's state file (RRM_SENSING_STATE_FILE): its episodes and pending events, kept
// across restarts. Written to a temp file beside it, then renamed over it, so a crash or a full disk
// mid-write leaves the previous state whole. Checked when read back: a file that is not one (corrupt,
// or another program's) is set aside under a new name, never read as state nor overwritten.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BridgeState } from './bridge';

const SavedState = z.strictObject({
  episodes: z.record(z.string(), z.strictObject({ raisedAt: z.number(), clearedAt: z.number().nullable() })),
  /** Events of the contract not yet accepted by `submit`. */
  pending: z.array(z.looseObject({ eventId: z.string(), type: z.string() })).default([]),
});
export interface SavedBridgeState extends BridgeState {
  pending: Record<string, unknown>[];
}

/**
 * The state saved in `file`, or undefined when there is none yet or it was set aside (logged, with
 * the name it was moved to). A file that cannot be read or set aside is an error naming it.
 */
export async function readStateFile(
  file: string,
  logger?: Pick<Logger, 'warn'>,
): Promise<SavedBridgeState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the sensing bridge state file ${file}: ${reason(err)}`);
  }
  const checked = check(text);
  if (checked.ok) return checked.state;
  const aside = `${file}.invalid-${Date.now()}`;
  try {
    await rename(file, aside);
  } catch (err) {
    throw new Error(
      `the sensing bridge state file ${file} ${checked.problem}, and it cannot be set aside: ${reason(err)}`,
    );
  }
  logger?.warn(
    { file, aside, problem: checked.problem },
    `the sensing bridge state file ${file} ${checked.problem}: set aside as ${aside}, starting afresh`,
  );
  return undefined;
}

/** Replaces `file` with `state` at once; readable by its owner only (QoE events carry client MACs). */
export async function writeStateFile(file: string, state: SavedBridgeState): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(state), { mode: 0o600, flush: true });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

function check(text: string): { ok: true; state: SavedBridgeState } | { ok: false; problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
  const result = SavedState.safeParse(parsed);
  if (result.success) return { ok: true, state: result.data };
  const [first] = result.error.issues;
  return {
    ok: false,
    problem: `is not a sensing bridge state (${first.path.join('.') || 'file'}: ${first.message})`,
  };
}

const reason = (err: unknown): string =>
  (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
