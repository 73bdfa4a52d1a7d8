// Human-readable output of the CLI.
import { heldRank } from '../../domain/radio-turns';
import { RADIOS } from '../../domain/regulatory';
import { OUTCOMES, type EventStatus } from '../../workflows/contract';
import type { ApState, FloorRadio, FloorView, RrmStats, Submitted } from '../library';

const line = (s: string): void => void process.stdout.write(`${s}\n`);

export function printSubmitted(submitted: Submitted[]): void {
  for (const s of submitted) line(`${s.duplicate ? 'duplicate' : 'started'}  ${s.workflowId}`);
}

export function printStatus(s: EventStatus): void {
  line(`${s.eventId}  ${s.type} on ${s.apId} (${s.severity})  stage ${s.stage}  outcome ${s.outcome ?? '-'}`);
  if (s.reason) line(`  reason: ${s.reason}`);
  if (s.waitedForWatchOf) line(`  waited for the watch of ${s.waitedForWatchOf}`);
  for (const c of s.changes) line(`  change: ${c.param} ${c.oldValue} → ${c.newValue}`);
  if (s.cacUntil) line(`  off the air for the CAC until ${s.cacUntil}`);
  if (s.closedChannels.length) line(`  closed for the Non-Occupancy Period: ${s.closedChannels.join(', ')}`);
  if (s.samples) line(`  monitor samples: ${s.samples}`);
  for (const f of s.findings) line(`  degraded: ${f.change}`);
}

export function printApState(s: ApState): void {
  const at = (ms: number) => new Date(ms).toISOString();
  line(`${s.apId}  coordinator ${s.running ? 'running' : 'idle'}`);
  for (const radio of RADIOS) {
    const { holder, watch, cooldownUntil, queue } = s.radios[radio];
    const busy = holder || watch || queue.length || cooldownUntil > Date.now();
    if (!busy) continue;
    line(`  ${radio}:`);
    if (holder)
      line(`    turn: ${holder.eventId} (${holder.severity}), lease until ${at(holder.leaseUntil)}`);
    if (watch) {
      // A re-plan's watch keeps the rank of the watch it took over until that one's end.
      const held = heldRank(watch, Date.now());
      const rank = held ? `, ranks ${held.severity} as ${held.from}'s watch did until ${at(held.until)}` : '';
      line(`    watch: ${watch.eventId} (${watch.severity}${rank}) until ${at(watch.until)}`);
    }
    if (cooldownUntil > Date.now()) line(`    cooldown until ${at(cooldownUntil)}`);
    for (const id of queue) {
      const q = s.queue.find((r) => r.eventId === id)!;
      line(`    waiting: ${q.eventId} (${q.severity}, detected ${q.detectedAt})`);
    }
  }
  for (const c of s.closedChannels) {
    const heard = c.heardBy ? ` heard by neighbour ${c.heardBy}` : '';
    line(`  closed: ${c.radio} channel ${c.channel} until ${at(c.until)} (radar${heard}, ${c.closedBy})`);
  }
}

export function printStats(s: RrmStats): void {
  line(`events: ${s.events.total} (${s.taskQueue ? `task queue ${s.taskQueue}` : 'all task queues'})`);
  const outcomes = OUTCOMES.filter((o) => s.events.byOutcome[o] > 0);
  const rows: string[][] = [['type', 'total', ...outcomes]];
  for (const [type, t] of Object.entries(s.events.byType)) {
    rows.push([type, String(t.total), ...outcomes.map((o) => String(t.outcomes[o]))]);
  }
  rows.push(['all', String(s.events.total), ...outcomes.map((o) => String(s.events.byOutcome[o]))]);
  for (const row of alignColumns(rows, (c) => c > 0)) line(`  ${row}`);
  line(`pending (waiting for the AP's turn): ${s.pending}`);
  line(`under monitoring: ${s.monitoring}`);
  line(`failed, waiting for an operator: ${s.awaitingOperator}`);
  if (!s.audit) line('audit: DATABASE_URL not set, actions and rollbacks not counted');
  else {
    const { actionsExecuted, rollbacks } = s.audit;
    line(`actions executed: ${actionsExecuted}`);
    line(`rollbacks: ${rollbacks.automatic} automatic, ${rollbacks.manual} manual`);
  }
}

/** One line per radio of every AP: its configuration beside its turn, watch, queue and closures. */
export function printFloor(floor: FloorView, now = Date.now()): void {
  const turn = (r: FloorRadio) => (r.holder ? `${r.holder.eventId} (${r.holder.severity})` : '-');
  const watch = (r: FloorRadio) =>
    r.watch
      ? `${r.watch.eventId} (${r.watch.severity}) ${Math.max(0, Math.ceil((r.watch.until - now) / 1000))} s`
      : '-';
  const rows = [['AP', 'status', 'radio', 'channel', 'power', 'clients', 'turn', 'watch', 'queue', 'closed']];
  for (const ap of floor.aps) {
    ap.radios.forEach((r, i) =>
      rows.push([
        i === 0 ? ap.apId : '',
        i === 0 ? ap.status : '',
        r.radio,
        `${r.channel}/${r.width}`,
        `${r.txPowerDbm} dBm`,
        String(r.clientCount),
        turn(r),
        watch(r),
        r.queue.length ? r.queue.join(', ') : '-',
        r.closedChannels.length ? r.closedChannels.join(',') : '-',
      ]),
    );
  }
  line(`floor at ${floor.collectedAt}: ${floor.aps.length} APs (controller ${floor.controllerUrl})`);
  for (const row of alignColumns(rows, (c) => c === 5)) line(`  ${row}`);
}

/** Rows as text columns, each as wide as its widest cell; `rightAligned` columns (numbers) pad on the left. */
export function alignColumns(
  rows: string[][],
  rightAligned: (column: number) => boolean = () => false,
): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}
