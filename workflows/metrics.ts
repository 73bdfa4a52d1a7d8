// The loop's domain metrics as the workflows see them, sent through Temporal sinks: the worker's
// implementation (workers/metrics.ts) counts them in Prometheus, and only on the workflow's first
// run of each step, never again when its history is replayed.
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface LoopMetricSinks extends Sinks {
  loopMetrics: {
    /** An event's outcome is decided (and signed); a rollback says whether an operator asked for it. */
    eventDecided(type: string, outcome: string, rollback?: 'automatic' | 'manual'): void;
    /** A change went onto the network, `moveMs` after the event was submitted (the Channel Move Time). */
    changeApplied(type: string, moveMs: number): void;
    /** The event got its radios' turn after `waitMs` (0 when it came in the request's answer). */
    turnGranted(type: string, severity: string, waitMs: number): void;
  };
}

export const { loopMetrics } = proxySinks<LoopMetricSinks>();
