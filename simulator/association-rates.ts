// Per-radio association counters over a trailing minute (new associations and admission
// refusals), read by the metrics and by the density-spike sensing.

const WINDOW_MS = 60_000;

export type AssociationOutcome = 'joined' | 'refused';

interface Mark {
  at: number;
  outcome: AssociationOutcome;
}

export interface AssociationRates {
  associationsPerMin: number;
  admissionRefusalsPerMin: number;
}

export class AssociationLog {
  private marks = new Map<string, Mark[]>();

  constructor(private readonly now: () => number) {}

  record(apId: string, radio: string, outcome: AssociationOutcome): void {
    const key = `${apId}/${radio}`;
    const marks = this.recent(key);
    marks.push({ at: this.now(), outcome });
    this.marks.set(key, marks);
  }

  rates(apId: string, radio: string): AssociationRates {
    const marks = this.recent(`${apId}/${radio}`);
    return {
      associationsPerMin: marks.filter((m) => m.outcome === 'joined').length,
      admissionRefusalsPerMin: marks.filter((m) => m.outcome === 'refused').length,
    };
  }

  clear(): void {
    this.marks.clear();
  }

  private recent(key: string): Mark[] {
    const since = this.now() - WINDOW_MS;
    return (this.marks.get(key) ?? []).filter((m) => m.at > since);
  }
}
