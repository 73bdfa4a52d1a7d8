// The event's search attributes (docs/temporal-contract.md), upserted once per activation and only
// where they changed: an event passes through plan, baseline and apply inside one workflow task, and
// every upsert is a history event and a visibility write on the server, which a radar burst cannot
// spare. Visibility shows where each task left the event.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { searchAttributes } from './messages';

type Keyword = (typeof searchAttributes)[keyof typeof searchAttributes];

export class SearchAttributeBatch {
  private readonly pending = new Map<string, { key: Keyword; value: string | null }>();
  private flushing = false;

  set(key: Keyword, value: string | null): void {
    this.pending.set(key.name, { key, value });
    if (this.flushing) return;
    this.flushing = true;
    // A microtask runs before the activation's commands go to the server, after its synchronous steps.
    void Promise.resolve().then(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    const current = workflowInfo().typedSearchAttributes;
    const changed = [...this.pending.values()].filter(
      ({ key, value }) => (current.get(key) ?? null) !== value,
    );
    this.pending.clear();
    if (changed.length) upsertSearchAttributes(changed);
  }
}
