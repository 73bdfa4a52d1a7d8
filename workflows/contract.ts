// The workflows' Temporal contract as the rest of the code sees it (docs/temporal-contract.md): each
// workflow's address and messages, from its own folder.
export * from './event/messages';
export * from './coordinator/messages';
export * from './burst-replan/messages';
export * from './operator-refusal/messages';
export type { EventStatus, Outcome, Stage } from './event/status';
export { OUTCOMES, STAGES } from './event/status';
