// The controller's change ledger: every write (radio config, admin state, steering) is applied
// once per change id; a replay answers with the original response, and a change id reused for
// another target or kind of write is refused rather than silently answered with the wrong result.
import { SimulatorError } from './errors';

interface Entry {
  /** What the change id was used for, e.g. `config ap-03/5g`. */
  scope: string;
  result: unknown;
}

export class ChangeLedger {
  private entries = new Map<string, Entry>();

  /** The original response of an applied change id, or undefined when it is new. */
  replay<T>(changeId: string, scope: string): (T & { duplicate: true }) | undefined {
    const entry = this.entries.get(changeId);
    if (!entry) return undefined;
    if (entry.scope !== scope) {
      throw new SimulatorError(
        409,
        'change_id_conflict',
        `changeId: ${changeId} was already used for ${entry.scope}`,
      );
    }
    return { ...(entry.result as T), duplicate: true };
  }

  record(changeId: string, scope: string, result: unknown): void {
    this.entries.set(changeId, { scope, result });
  }

  clear(): void {
    this.entries.clear();
  }
}
