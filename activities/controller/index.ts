// The controller activities: the controller port (./port.ts) as Temporal activities. The adapter
// says what the controller answered; this says how the workflow sees it: the answers it decides on
// become non-retryable failures of a named type, the ones it answers by planning again are benign
// (logged at DEBUG, not counted as failures), and anything else is retried as "unreachable".
import { ApplicationFailure } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { ControllerBusy, ControllerError, type ControllerFailureType, type ControllerPort } from './port';

export type {
  MonitorSample,
  StepRequest,
  StepResult,
  ControllerPort,
  FloorApReading,
  RecordedChange,
} from './port';

/**
 * The activities the workflows call: the port without the views the client side reads and the
 * change record only the radar reflex reads (in its own activity).
 */
export type ControllerActivities = Omit<ControllerPort, 'listAps' | 'readDetections' | 'changeOf'>;

const REPLANNED = new Set<ControllerFailureType>(['ChannelUnavailable', 'VersionConflict']);

/** The port's error as the activity's failure (exported for the radar reflex's activity). */
export function asFailure(err: unknown): unknown {
  // Retried by the activity's policy (its attempts bound it), after the pause the controller asked for.
  if (err instanceof ControllerBusy) {
    return ApplicationFailure.create({
      message: err.message,
      type: 'ControllerBusy',
      nextRetryDelay: err.retryAfterMs,
    });
  }
  if (!(err instanceof ControllerError)) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: err.type,
    nonRetryable: true,
    details: err.details === undefined ? undefined : [err.details],
    category: REPLANNED.has(err.type) ? ApplicationFailureCategory.BENIGN : undefined,
  });
}

export function createControllerActivities(controller: ControllerPort): ControllerActivities {
  const wrap =
    <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await work(...args);
      } catch (err) {
        throw asFailure(err);
      }
    };
  return {
    readAp: wrap((apId) => controller.readAp(apId)),
    scanChannels: wrap((apId, radio) => controller.scanChannels(apId, radio)),
    readClients: wrap((apId, radio) => controller.readClients(apId, radio)),
    sampleRadio: wrap((apId, radio) => controller.sampleRadio(apId, radio)),
    applyStep: wrap((request) => controller.applyStep(request)),
  };
}
