// The worker's workflow bundle entry: every workflow type the RRM Event Loop registers.
export { rrmEvent } from './event/workflow';
export { apCoordinator } from './coordinator/workflow';
export { burstReplan } from './burst-replan/workflow';
export { operatorRefusal } from './operator-refusal/workflow';
