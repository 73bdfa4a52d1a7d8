// An operator control held within a deadline (the HTTP API's): past it, the caller learns whether
// the event had accepted the control (it goes on) or had not yet taken it.

/** A control whose answer did not come within the caller's deadline: accepted and under way, or not yet. */
export class ControlPendingError extends Error {
  constructor(
    readonly control: string,
    readonly eventId: string,
    readonly accepted: boolean,
  ) {
    super(
      accepted
        ? `the ${control} of event ${eventId} is under way; its status shows when it is done`
        : `the ${control} of event ${eventId} was sent but not yet accepted; its status shows whether it was carried out`,
    );
    this.name = 'ControlPendingError';
  }
}

/** `work`'s answer, or `late()` thrown once `ms` have passed without one. */
export async function within<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  work.catch(() => undefined); // answered past the deadline: nobody listens any more
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
