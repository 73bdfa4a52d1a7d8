// The TypeScript client library: what the CLI, the HTTP ingest, the sensing bridge and any other
// integration use to start events and talk to their workflows. Siblings import this file only.
export { EventInputError, parseEventText } from './event-input';
export { collectFloor, type FloorAp, type FloorRadio, type FloorView } from './floor';
export {
  OPERATOR_CONTROLS,
  OPERATOR_CONTROL_HELP,
  OperatorInputSchema,
  refusal,
  runOperatorControl,
  type OperatorControl,
  type OperatorInput,
} from './operator-controls';
export {
  InvalidEventsError,
  NotFoundError,
  OperatorRefusedError,
  RrmClient,
  type ApState,
  validateEvents,
  type Submitted,
} from './rrm-client';
export { collectStats, type AuditStats, type RrmStats, type StatsOptions, type TypeStats } from './stats';
export { terminateRunningWorkflows } from './terminate-running';
