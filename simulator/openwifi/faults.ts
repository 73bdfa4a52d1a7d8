// Failure modes of a real OpenWiFi gateway, injected into the face by tests for the next calls.
import { GatewayError } from './answers';

/** Failure modes of a real gateway, injected for the next `count` matching calls. */
export type GatewayFault =
  /** The device answers a configure with error 2: nothing applied. */
  | { kind: 'configure_refused'; count: number }
  /** The device applies a configure but substitutes these radio keys (e.g. `channel`): error 1. */
  | { kind: 'fields_rejected'; fields: string[]; count: number }
  /** 429 with Retry-After, as a proxy in front of the gateway answers under load. */
  | { kind: 'rate_limited'; retryAfterS: number; count: number }
  /** 400 1145: the device is executing another command. */
  | { kind: 'device_busy'; count: number }
  /** A 200 whose body lacks what the API specifies. */
  | { kind: 'malformed'; count: number };

export class GatewayFaults {
  private faults: GatewayFault[] = [];

  inject(fault: GatewayFault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  pending(): GatewayFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first injected fault of these kinds, consumed once. */
  take<K extends GatewayFault['kind']>(...kinds: K[]): Extract<GatewayFault, { kind: K }> | undefined {
    const fault = this.faults.find((f) => (kinds as string[]).includes(f.kind));
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault as Extract<GatewayFault, { kind: K }>;
  }

  /** Rate limits and malformed answers apply to any authorized call. */
  gate(): { malformed: boolean } {
    const limited = this.take('rate_limited');
    if (limited) {
      throw new GatewayError(429, 429, '429: Too many requests.', {
        'retry-after': String(limited.retryAfterS),
      });
    }
    return { malformed: this.take('malformed') !== undefined };
  }
}
