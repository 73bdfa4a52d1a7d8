// `rrm rollback|retry|abandon|commit EVENT_ID`: the operator controls (docs/temporal-contract.md,
// docs/operator-surfaces.md). A refusal or an unknown event exits 1 with a one-line reason (the
// program prints the error).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  OPERATOR_CONTROLS,
  OPERATOR_CONTROL_HELP,
  OperatorInputSchema,
  runOperatorControl,
  type OperatorControl,
} from '../library';
import { printStatus } from './format';
import { printJson, wantsJson, withClient } from './runtime';

/** Who the audit trail names: `--operator`, else RRM_OPERATOR, else the OS user. */
export function defaultOperator(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RRM_OPERATOR?.trim()) return env.RRM_OPERATOR.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

export function registerOperatorCommands(program: Command): void {
  for (const control of OPERATOR_CONTROLS) {
    program
      .command(control)
      .description(OPERATOR_CONTROL_HELP[control])
      .argument('<eventId>')
      .option('--reason <text>', 'why (recorded in the audit trail)')
      .option('--operator <name>', 'who asks (default: RRM_OPERATOR or the OS user)')
      .action(async (eventId: string, opts: { reason?: string; operator?: string }, command: Command) =>
        runControl(control, eventId, opts, command),
      );
  }
}

async function runControl(
  control: OperatorControl,
  eventId: string,
  opts: { reason?: string; operator?: string },
  command: Command,
): Promise<void> {
  const input = OperatorInputSchema.safeParse({ operator: opts.operator, reason: opts.reason });
  if (!input.success) {
    const field = input.error.issues[0];
    throw new Error(`invalid --${String(field.path[0])}: ${field.message}`);
  }
  const action = { operator: input.data.operator ?? defaultOperator(), reason: input.data.reason };
  await withClient(async (rrm) => {
    const status = await runOperatorControl(rrm, control, eventId, action);
    return wantsJson(command) ? printJson(status) : printStatus(status);
  });
}
