// The TypeScript client library: what the CLI, the HTTP ingest, the sensing bridge and any other
// integration use to start events and talk to their workflows. Siblings import this file only.
export { EventInputError, parseEventText } from './event-input';
export {
  coChannelPairs,
  collectFloor,
  type CoChannelPair,
  type FloorAp,
  type FloorRadio,
  type FloorView,
} from './floor';
export {
  OPERATOR_CONTROLS,
  OPERATOR_CONTROL_HELP,
  OperatorInputSchema,
  refusal,
  runOperatorControl,
  signedRefusal,
  type OperatorControl,
  type OperatorInput,
} from './operator-controls';
export { ControlPendingError } from './control-pending';
export { contentEventId } from './event-ids';
export {
  collectBursts,
  DEFAULT_FEED_EVENTS,
  EventFeed,
  MAX_FEED_EVENTS,
  type BurstsView,
  type FeedEvent,
} from './event-feed';
export {
  InvalidEventsError,
  NotFoundError,
  OperatorRefusedError,
  MAX_CONCURRENT_STARTS,
  RrmClient,
  type ApState,
  validateEvents,
  type Submitted,
} from './rrm-client';
export { signRefusal, type Refusal } from './refusal-audit';
export { collectStats, type AuditStats, type RrmStats, type StatsOptions, type TypeStats } from './stats';
export { terminateRunningWorkflows } from './terminate-running';
