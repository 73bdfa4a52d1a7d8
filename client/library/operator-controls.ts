// The operator controls of docs/temporal-contract.md as the CLI and the HTTP API offer them: one
// list, one input check and one wording of refusals, so both surfaces behave alike.
import { z } from 'zod';
import { safeText } from '../../domain/safe-text';
import { signRefusal, type Refusal } from './refusal-audit';
import { NotFoundError, OperatorRefusedError, type RrmClient } from './rrm-client';
import type { OperatorAction } from '../../workflows/contract';
import type { EventStatus } from '../../workflows/contract';

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
  operator: safeText({ max: 128, trim: true }).optional(),
  reason: safeText({ max: 1024, trim: true }).optional(),
});
export type OperatorInput = z.infer<typeof OperatorInputSchema>;

/**
 * Runs a control; with `deadlineMs` (the HTTP API's), answers within it (ControlPendingError past
 * it). A refusal, or a control for an event that does not exist, is signed into the audit trail
 * before it is thrown.
 */
export async function runOperatorControl(
  rrm: RrmClient,
  control: OperatorControl,
  eventId: string,
  action: OperatorAction,
  deadlineMs?: number,
): Promise<EventStatus> {
  try {
    return await rrm[control](eventId, action, deadlineMs);
  } catch (err) {
    if (err instanceof OperatorRefusedError) {
      const message = refusal(control, err.message);
      throw new OperatorRefusedError(
        await signedRefusal(rrm, { control, eventId, ...action, refusal: message }),
      );
    }
    if (err instanceof NotFoundError) {
      const message = `${control} refused: ${err.message}`;
      await signedRefusal(rrm, { control, eventId, ...action, refusal: message });
    }
    throw err;
  }
}

/**
 * Signs the refusal; its message, with a note when the signing could not be sent (the refusal
 * changed nothing, so it is still answered).
 */
export async function signedRefusal(rrm: RrmClient, refused: Refusal): Promise<string> {
  try {
    await signRefusal(rrm, refused);
    return refused.refusal;
  } catch {
    return `${refused.refusal} (Temporal did not take its audit record: not signed)`;
  }
}

/** `<control> refused: <why>`, however the refusal was worded. */
export function refusal(control: OperatorControl, message: string): string {
  const prefix = `${control} refused: `;
  return message.startsWith(prefix) ? message : `${prefix}${message}`;
}
