// Operator controls on an event (docs/temporal-contract.md): rollback, retry, abandon, commit and outcome, as
// updates. Validators refuse what makes no sense in the event's state before anything is recorded;
// the workflow's main flow carries out what was accepted and answers through the inbox.
import { condition, setHandler, ApplicationFailure } from '@temporalio/workflow';
import type { EventStatus } from './event-status';
import {
  abandonUpdate,
  commitUpdate,
  outcomeUpdate,
  retryUpdate,
  rollbackUpdate,
  type OperatorAction,
} from './definitions';

export interface OperatorInbox {
  commit?: OperatorAction;
  rollback?: { action: OperatorAction; refusal?: string; done: boolean };
  failedDecision?: { kind: 'retry' | 'abandon'; action: OperatorAction; done: boolean };
}

export interface ControlRules {
  /** Why a manual rollback cannot be taken now, or undefined when it can. */
  rollbackUnavailable(): string | undefined;
  /** True while a FAILED apply waits for retry or abandon. */
  awaitingOperator(): boolean;
}

function requireOperator(action: OperatorAction): void {
  if (!action?.operator?.trim()) throw new Error('operator is required: who asks for this');
}

export function registerOperatorControls(status: EventStatus, rules: ControlRules): OperatorInbox {
  const inbox: OperatorInbox = {};

  setHandler(
    commitUpdate,
    async (action) => {
      inbox.commit = action;
      await condition(() => status.outcome !== undefined);
      return status;
    },
    {
      validator: (action) => {
        requireOperator(action);
        if (status.stage !== 'monitor')
          throw new Error(`nothing to commit: the event is in stage ${status.stage}`);
      },
    },
  );

  setHandler(
    rollbackUpdate,
    async (action) => {
      const request = (inbox.rollback = { action, done: false } as NonNullable<OperatorInbox['rollback']>);
      await condition(() => request.done);
      inbox.rollback = undefined;
      if (request.refusal) throw ApplicationFailure.nonRetryable(request.refusal, 'RollbackRefused');
      return status;
    },
    {
      validator: (action) => {
        requireOperator(action);
        if (inbox.rollback) throw new Error('a rollback is already under way');
        const unavailable = rules.rollbackUnavailable();
        if (unavailable) throw new Error(unavailable);
      },
    },
  );

  const failedDecision = (kind: 'retry' | 'abandon') => async (action: OperatorAction) => {
    const decision = (inbox.failedDecision = { kind, action, done: false });
    await condition(() => decision.done);
    return status;
  };
  const validateFailedDecision = (action: OperatorAction) => {
    requireOperator(action);
    if (!rules.awaitingOperator()) {
      throw new Error(
        `only a FAILED apply can be retried or abandoned; this event is ${status.outcome ?? status.stage}`,
      );
    }
    if (inbox.failedDecision) throw new Error(`already decided: ${inbox.failedDecision.kind}`);
  };
  setHandler(retryUpdate, failedDecision('retry'), { validator: validateFailedDecision });
  setHandler(abandonUpdate, failedDecision('abandon'), { validator: validateFailedDecision });

  setHandler(outcomeUpdate, async () => {
    await condition(() => status.outcome !== undefined);
    return status;
  });

  return inbox;
}
