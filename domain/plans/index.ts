// The planner for each event type (docs/policy.md "action" column).
import type { EventType } from '../events';
import { admissionControl } from './density';
import { failover } from './failover';
import { interferenceResponse } from './interference';
import { jointReplanMove } from './joint-replan';
import { loadBalancing } from './load';
import { powerReduction } from './power';
import { qoeRemedy } from './qoe';
import { radarMove } from './radar';
import { spectrumTuning } from './spectrum';
import type { Planner } from './types';

export const PLANNERS: Record<EventType, Planner> = {
  DFS_RADAR: radarMove,
  NON_WIFI_BURST: interferenceResponse,
  SPECTRUM_SAT: spectrumTuning,
  QOE_DEGRADATION: qoeRemedy,
  DENSITY_SPIKE: admissionControl,
  HW_FAILURE: failover,
  POWER_BUDGET_EXCEEDED: powerReduction,
  LOAD_IMBALANCE: loadBalancing,
  JOINT_REPLAN: jointReplanMove,
};

export type { JointReplanMoveData } from './joint-replan';
export * from './types';
