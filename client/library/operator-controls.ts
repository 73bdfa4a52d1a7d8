// The operator controls of docs/temporal-contract.md as the CLI and the HTTP API offer them: one
// list, one input check and one wording of refusals, so both surfaces behave alike.
import { z } from 'zod';
import { OperatorRefusedError, type RrmClient } from './rrm-client';
import type { OperatorAction } from '../../workflows/definitions';
import type { EventStatus } from '../../workflows/event-status';

export const OPERATOR_CONTROLS = ['rollback', 'retry', 'abandon', 'commit'] as const;
export type OperatorControl = (typeof OPERATOR_CONTROLS)[number];

export const OPERATOR_CONTROL_HELP: Record<OperatorControl, string> = {
  rollback: 'roll a change back now (manual rollback, while the rollback token lives)',
  retry: 'try a failed apply again, re-planned on the AP as it is now',
  abandon: 'give up on a failed apply (the event ends ABANDONED)',
  commit: 'end the monitor window early and keep the change',
};

/** What an operator sends with a control; recorded in the audit trail. */
export const OperatorInputSchema = z.strictObject({
  operator: z.string().trim().min(1).max(128).optional(),
  reason: z.string().trim().min(1).max(1024).optional(),
});
export type OperatorInput = z.infer<typeof OperatorInputSchema>;

export function runOperatorControl(
  rrm: RrmClient,
  control: OperatorControl,
  eventId: string,
  action: OperatorAction,
): Promise<EventStatus> {
  return rrm[control](eventId, action).catch((err: unknown) => {
    if (err instanceof OperatorRefusedError) throw new OperatorRefusedError(refusal(control, err.message));
    throw err;
  });
}

/** `<control> refused: <why>`, however the refusal was worded. */
export function refusal(control: OperatorControl, message: string): string {
  const prefix = `${control} refused: `;
  return message.startsWith(prefix) ? message : `${prefix}${message}`;
}
