// Human-readable output of the CLI.
import type { ApTurnState } from '../../domain/ap-turn';
import type { EventStatus } from '../../workflows/event-status';
import type { Submitted } from '../rrm-client';

const line = (s: string): void => void process.stdout.write(`${s}\n`);

export function printSubmitted(submitted: Submitted[]): void {
  for (const s of submitted) line(`${s.duplicate ? 'duplicate' : 'started'}  ${s.workflowId}`);
}

export function printStatus(s: EventStatus): void {
  line(`${s.eventId}  ${s.type} on ${s.apId} (${s.severity})  stage ${s.stage}  outcome ${s.outcome ?? '-'}`);
  if (s.reason) line(`  reason: ${s.reason}`);
  for (const c of s.changes) line(`  change: ${c.param} ${c.oldValue} → ${c.newValue}`);
  if (s.closedChannels.length) line(`  closed for the Non-Occupancy Period: ${s.closedChannels.join(', ')}`);
  if (s.samples) line(`  monitor samples: ${s.samples}`);
  for (const f of s.findings) line(`  degraded: ${f.change}`);
}

export function printApState(s: ApTurnState & { running: boolean }): void {
  line(`${s.apId}  coordinator ${s.running ? 'running' : 'idle'}`);
  line(`  holder: ${s.holder ? `${s.holder.eventId} (${s.holder.severity})` : 'none'}`);
  for (const q of s.queue) line(`  waiting: ${q.eventId} (${q.severity}, detected ${q.detectedAt})`);
  if (s.cooldownUntil > Date.now()) line(`  cooldown until ${new Date(s.cooldownUntil).toISOString()}`);
  for (const c of s.closedChannels) {
    line(
      `  closed: ${c.radio} channel ${c.channel} until ${new Date(c.until).toISOString()} (radar, ${c.closedBy})`,
    );
  }
}
