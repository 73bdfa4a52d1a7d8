// One error type for every refusal of the simulated controller: the server turns it into
// `{ error, message, ...details }` with its HTTP status.

export class SimulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SimulatorError';
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

export const notFound = (message: string): SimulatorError => new SimulatorError(404, 'not_found', message);

/** 422 for a field the controller will not accept; `field` names it for the caller. */
export const unprocessable = (code: string, field: string, message: string, details = {}): SimulatorError =>
  new SimulatorError(422, code, `${field}: ${message}`, { field, ...details });
