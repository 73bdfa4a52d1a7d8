// Operator controls on an event (docs/temporal-contract.md): rollback, retry, abandon, commit and
// outcome, as updates. Validators refuse what makes no sense in the event's state before anything is
// recorded; the workflow's main flow carries out what was accepted and answers through this class.
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { OperatorAction } from './messages';
import type { EventStatus } from './status';

/** An operator's rollback, waiting for the main flow to carry it out or refuse it. */
export interface RollbackRequest {
  action: OperatorAction;
  refusal?: string;
  done: boolean;
}

/** An operator's decision on a FAILED apply. */
export interface FailedDecision {
  kind: 'retry' | 'abandon';
  action: OperatorAction;
  done: boolean;
}

/** What the controls need to know of the event. */
export interface EventState {
  /** Why a manual rollback cannot be taken now, or undefined when it can. */
  rollbackUnavailable(): string | undefined;
  /** True while a FAILED apply waits for retry or abandon. */
  awaitingOperator(): boolean;
}

export class OperatorControls {
  /** Set by commit: end monitoring early, keeping the change. */
  committedBy?: OperatorAction;
  private rollback?: RollbackRequest;
  private failedDecision?: FailedDecision;

  constructor(
    private readonly status: EventStatus,
    private readonly event: EventState,
  ) {}

  // --- update handlers ---

  async commit(action: OperatorAction): Promise<EventStatus> {
    this.committedBy = action;
    return this.outcome();
  }

  validateCommit(action: OperatorAction): void {
    requireOperator(action);
    if (this.status.stage !== 'monitor')
      throw new Error(`nothing to commit: the event is in stage ${this.status.stage}`);
  }

  async rollBack(action: OperatorAction): Promise<EventStatus> {
    const request: RollbackRequest = (this.rollback = { action, done: false });
    await condition(() => request.done);
    this.rollback = undefined;
    if (request.refusal) throw ApplicationFailure.nonRetryable(request.refusal, 'RollbackRefused');
    return this.status;
  }

  validateRollback(action: OperatorAction): void {
    requireOperator(action);
    if (this.rollback) throw new Error('a rollback is already under way');
    const unavailable = this.event.rollbackUnavailable();
    if (unavailable) throw new Error(unavailable);
  }

  retry(action: OperatorAction): Promise<EventStatus> {
    return this.decideFailed('retry', action);
  }

  abandon(action: OperatorAction): Promise<EventStatus> {
    return this.decideFailed('abandon', action);
  }

  validateFailedDecision(action: OperatorAction): void {
    requireOperator(action);
    if (!this.event.awaitingOperator()) {
      const { outcome, stage } = this.status;
      throw new Error(`only a FAILED apply can be retried or abandoned; this event is ${outcome ?? stage}`);
    }
    if (this.failedDecision) throw new Error(`already decided: ${this.failedDecision.kind}`);
  }

  async outcome(): Promise<EventStatus> {
    await condition(() => this.status.outcome !== undefined);
    return this.status;
  }

  // --- for the main flow ---

  /** The operator's rollback not yet carried out, if one is asked for. */
  rollbackAsked(): RollbackRequest | undefined {
    return this.rollback && !this.rollback.done ? this.rollback : undefined;
  }

  /** The rollback asked for was carried out, or refused with `refusal`: its caller gets the answer. */
  rollbackAnswered(refusal: string | undefined): void {
    if (!this.rollback) return;
    this.rollback.refusal = refusal;
    this.rollback.done = true;
  }

  /** Waits for an operator's decision on a FAILED apply. */
  async failedDecided(): Promise<FailedDecision> {
    await condition(() => this.failedDecision !== undefined);
    return this.failedDecision as FailedDecision;
  }

  /** The decision was carried out: its caller gets the answer, and a later failure may be decided anew. */
  failedDecisionDone(): void {
    if (this.failedDecision) this.failedDecision.done = true;
    this.failedDecision = undefined;
  }

  private async decideFailed(kind: FailedDecision['kind'], action: OperatorAction): Promise<EventStatus> {
    const decision: FailedDecision = (this.failedDecision = { kind, action, done: false });
    await condition(() => decision.done);
    return this.status;
  }
}

function requireOperator(action: OperatorAction): void {
  if (!action?.operator?.trim()) throw new Error('operator is required: who asks for this');
}
