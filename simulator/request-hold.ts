// A test hook of the built-in controller: requests for chosen APs (their configuration changes, or
// their channel scans) are held (the HTTP request stays open) until the hold is lifted, so a test can
// catch an action in the middle of its apply or its plan, e.g. to kill or terminate it there. Lifting
// either lets the held requests through or refuses them as a controller that restarted would (503).
import { SimulatorError } from './errors';

interface Held {
  apId: string;
  resolve(): void;
  reject(err: Error): void;
}

export class RequestHold {
  private readonly aps = new Set<string>();
  private held: Held[] = [];

  /** `refusal`: what a held request refused on lifting is told. */
  constructor(private readonly refusal: string) {}

  hold(apId: string): void {
    this.aps.add(apId);
  }

  /** Resolves at once for an AP not held; otherwise when the hold is lifted. */
  async pass(apId: string): Promise<void> {
    if (!this.aps.has(apId)) return;
    await new Promise<void>((resolve, reject) => this.held.push({ apId, resolve, reject }));
  }

  /** Lifts the hold of `apId` (every AP when absent); held requests go through or are refused. */
  lift(apId: string | undefined, held: 'apply' | 'refuse'): number {
    const lifted = this.held.filter((h) => apId === undefined || h.apId === apId);
    this.held = this.held.filter((h) => !lifted.includes(h));
    if (apId === undefined) this.aps.clear();
    else this.aps.delete(apId);
    for (const h of lifted) {
      if (held === 'apply') h.resolve();
      else h.reject(new SimulatorError(503, 'unavailable', this.refusal));
    }
    return lifted.length;
  }

  status(): { aps: string[]; waiting: number } {
    return { aps: [...this.aps].sort(), waiting: this.held.length };
  }
}
