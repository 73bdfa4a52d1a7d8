// A test hook of the built-in controller: a flapping link. While it is on, every `every`-th request
// to the controller API (`/v1/aps/...`, reads and writes alike) is answered 503, as a link that keeps
// dropping would be; the requests between go through.
import { SimulatorError } from './errors';

export class FlappingLink {
  private state?: { every: number; seen: number; refused: number };

  start(every: number): void {
    this.state = { every, seen: 0, refused: 0 };
  }

  stop(): void {
    this.state = undefined;
  }

  status(): { every: number; refused: number } | null {
    return this.state ? { every: this.state.every, refused: this.state.refused } : null;
  }

  /** Throws for each request the link drops. */
  pass(url: string): void {
    const s = this.state;
    if (!s || !url.startsWith('/v1/aps/') || ++s.seen % s.every !== 0) return;
    s.refused++;
    throw new SimulatorError(503, 'controller_unreachable', 'controller: not reachable (flapping link)');
  }
}
