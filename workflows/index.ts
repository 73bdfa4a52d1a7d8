// The worker's workflow bundle entry: every workflow type the RRM Event Loop registers.
export { rrmEvent } from './rrm-event';
export { apCoordinator } from './ap-coordinator';
export { burstReplan } from './burst-replan';
export { operatorRefusal } from './operator-refusal';
