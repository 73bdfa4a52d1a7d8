import fc from 'fast-check';

import { SEVERITIES, type Severity } from '../../domain/events';
import {
  byPriority,
  COORDINATOR_PRIORITY_KEY,
  outranks,
  taskPriorityKey,
  type Queued,
} from '../../domain/priority';

const q = (severity: Severity, detectedAt: string, arrival: number): Queued => ({
  severity,
  detectedAt,
  arrival,
});

const T0 = '2025-03-01T12:00:00.000Z';
const T1 = '2025-03-01T12:00:01.000Z';

describe('byPriority', () => {
  it('orders CRITICAL > HIGH > MEDIUM > LOW regardless of time and arrival', () => {
    const items = [q('LOW', T0, 0), q('MEDIUM', T0, 1), q('CRITICAL', T1, 3), q('HIGH', T0, 2)];
    expect([...items].sort(byPriority).map((i) => i.severity)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
  });

  it('puts the earlier detectedAt first within a severity, even if it arrived later', () => {
    const later = q('HIGH', T1, 0);
    const earlier = q('HIGH', T0, 1);
    expect([later, earlier].sort(byPriority)).toEqual([earlier, later]);
  });

  it('compares detectedAt as instants, not as strings', () => {
    // 12:30+01:00 is 11:30Z: earlier than 12:00Z although it sorts later as text.
    const a = q('HIGH', '2025-03-01T12:30:00+01:00', 1);
    const b = q('HIGH', '2025-03-01T12:00:00Z', 0);
    expect(byPriority(a, b)).toBeLessThan(0);
  });

  it('falls back to arrival order', () => {
    const first = q('MEDIUM', T0, 4);
    const second = q('MEDIUM', T0, 7);
    expect(byPriority(first, second)).toBeLessThan(0);
    expect(byPriority(second, first)).toBeGreaterThan(0);
    expect(byPriority(first, first)).toBe(0);
  });

  it('is a consistent total order (antisymmetric, transitive) over random items', () => {
    const item = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      detectedAt: fc
        .integer({ min: 0, max: 5 })
        .map((s) => new Date(Date.parse(T0) + s * 1000).toISOString()),
      arrival: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(item, item, item, (a, b, c) => {
        expect(Math.sign(byPriority(a, b))).toBe(-Math.sign(byPriority(b, a)) || 0);
        if (byPriority(a, b) <= 0 && byPriority(b, c) <= 0) expect(byPriority(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('taskPriorityKey', () => {
  it('maps CRITICAL=2, HIGH=3, MEDIUM=4, LOW=5, below the coordinators (1) that grant their turns', () => {
    expect(COORDINATOR_PRIORITY_KEY).toBe(1);
    expect(taskPriorityKey('CRITICAL')).toBe(2);
    expect(taskPriorityKey('HIGH')).toBe(3);
    expect(taskPriorityKey('MEDIUM')).toBe(4);
    expect(taskPriorityKey('LOW')).toBe(5);
  });
});

describe('outranks', () => {
  it('is strict: a severity never outranks itself', () => {
    for (const s of SEVERITIES) expect(outranks(s, s)).toBe(false);
  });

  it('holds exactly for strictly higher severities', () => {
    const order: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        expect(outranks(order[i], order[j])).toBe(i < j);
      }
    }
  });
});
