// Where a radar burst's time goes (`npm run bench`; BENCH_TRACE_APS sets the burst, default 200).
// The floor (bench/floor) and then the loop move the same radios at once; for each it prints the
// machine's CPU time per event until the last move (all processes: dev server, PostgreSQL, worker,
// simulator). Then it reads every event's and coordinator's workflow history back and prints the
// median and p95 of each step from submit to the move (the first workflow task waiting in the queue,
// the radar reflex inside it) and of what follows the move (the coordinator's notice, each follow-up
// activity), and the history events each radar event costs. On a 2-core machine a burst is CPU-bound: its last move comes about when the
// machine has spent the burst's CPU time, so the CPU per event is the figure to bring down.
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { apCoordinatorWorkflowId, eventWorkflowId } from '../workflows/contract';
import { campus, radarApId } from './campus';
import { percentile } from './percentile';
import { withRadarStand } from './radar-stand';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

const APS = Number(process.env.BENCH_TRACE_APS ?? 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const scenario = campus(APS);

const at = (e: HistoryEvent) =>
  Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

async function main(): Promise<void> {
  await withRadarStand(scenario, 'bench-trace', async ({ sim, client, floor, radar, fresh }) => {
    const apIds = Array.from({ length: APS }, (_, i) => radarApId(i));
    const burst = async <T>(move: (ids: string[]) => Promise<T>) => {
      await fresh();
      await move(apIds.slice(0, 3)); // warm-up
      await sleep(3000);
      await fresh();
      await sleep(1000);
      const cpu = cpuNow();
      const since = Date.now();
      const result = await move(apIds);
      const moved = new Map<string, number>();
      while (moved.size < APS && Date.now() < since + 60_000) {
        for (const apId of apIds.filter((id) => !moved.has(id))) {
          const change = sim.world
            .changes(apId)
            .find((c) => c.radio === '5g' && Date.parse(c.appliedAt) >= since);
          if (change) moved.set(apId, Date.parse(change.appliedAt));
        }
        await sleep(20);
      }
      const last = Math.max(...moved.values()) - since;
      const used = cpuSince(cpu);
      console.log(
        `  last move ${last} ms after submit; CPU until then: ${used.machine.toFixed(1)} s on the machine ` +
          `(${used.self.toFixed(1)} s in this process: worker, simulator, client), ` +
          `${((used.machine * 1000) / APS).toFixed(0)} ms per event`,
      );
      return { result, moved, since };
    };
    console.log(`floor, burst of ${APS}:`);
    await burst(floor);
    console.log(`loop DFS_RADAR, burst of ${APS}:`);
    const { result: submitted, moved, since } = await burst(radar);
    const steps = new Map<string, number[]>();
    const kinds = new Map<string, number>();
    const count = (prefix: string, events: HistoryEvent[]) => {
      for (const e of events) {
        const name = `${prefix} ${EventType[e.eventType!].replace('EVENT_TYPE_', '')}`;
        kinds.set(name, (kinds.get(name) ?? 0) + 1);
      }
    };
    const add = (step: string, ms: number) => steps.set(step, [...(steps.get(step) ?? []), ms]);
    await coordinatorsTold(client, apIds);
    await sleep(2000); // the follow-up's last activities
    for (const [i, { eventId }] of submitted.entries()) {
      const apId = apIds[i];
      const history = await client.workflow.getHandle(eventWorkflowId(eventId)).fetchHistory();
      const coordinator = await client.workflow.getHandle(apCoordinatorWorkflowId(apId)).fetchHistory();
      traceEvent(history.events ?? [], coordinator.events ?? [], since, moved.get(apId), add);
      count('event', history.events ?? []);
      count(
        'coordinator',
        (coordinator.events ?? []).filter((e) => at(e) >= since),
      );
    }
    console.log(`trace of a burst of ${APS} DFS_RADAR events (ms from submit unless said; p50 / p95):`);
    for (const [step, values] of steps) {
      const sorted = values.sort((a, b) => a - b);
      console.log(
        `  ${step.padEnd(58)} ${percentile(sorted, 0.5).padStart(6)} / ${percentile(sorted, 0.95).padStart(6)}`,
      );
    }
    console.log(`history events per radar event, its follow-up done (event and its coordinator):`);
    for (const [kind, n] of [...kinds].sort()) console.log(`  ${kind.padEnd(58)} ${(n / APS).toFixed(2)}`);
  });
}

function traceEvent(
  events: HistoryEvent[],
  coordinator: HistoryEvent[],
  since: number,
  movedAt: number | undefined,
  add: (step: string, ms: number) => void,
): void {
  const of = (list: HistoryEvent[], type: number) => list.find((e) => e.eventType === type && at(e) >= since);
  const started = of(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)!;
  add('event workflow started', at(started) - since);
  const wftStarted = of(events, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)!;
  add('  first workflow task waited in the queue (none when started eagerly)', at(wftStarted) - at(started));
  if (movedAt !== undefined) {
    add('  the reflex (a local activity in that task) moved the radio', movedAt - at(wftStarted));
    add('moved in the controller', movedAt - since);
  }
  const firstDone = of(events, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (firstDone) add('first task done (the move made, its follow-up scheduled)', at(firstDone) - since);
  // What follows the move, each from submit: the coordinator's notice and every activity.
  const noticed = of(coordinator, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  if (noticed) add('  follow-up: the coordinator told of the move', at(noticed) - since);
  for (const scheduled of events.filter(
    (e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  )) {
    const name = scheduled.activityTaskScheduledEventAttributes!.activityType!.name!;
    const completed = events.find(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
        Number(e.activityTaskCompletedEventAttributes!.scheduledEventId) === Number(scheduled.eventId),
    );
    if (completed) add(`  follow-up: ${name} done`, at(completed) - since);
  }
}

/** Waits (up to 60 s) until every radar AP's coordinator has been told of its move. */
async function coordinatorsTold(client: Client, apIds: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let pending = apIds;
  while (pending.length && Date.now() < deadline) {
    const told = await Promise.all(
      pending.map((apId) =>
        client.workflow
          .getHandle(apCoordinatorWorkflowId(apId))
          .describe()
          .then(() => true)
          .catch(() => false),
      ),
    );
    pending = pending.filter((_, i) => !told[i]);
    if (pending.length) await sleep(500);
  }
}

/** Busy CPU time of the whole machine (all processes, /proc/stat) and of this process. */
function cpuNow() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = fields.reduce((a, b) => a + b, 0) - fields[3] - fields[4]; // minus idle and iowait
  return { machine: busy / 100, self: process.cpuUsage() };
}

function cpuSince(start: ReturnType<typeof cpuNow>) {
  const now = cpuNow();
  const self = process.cpuUsage(start.self);
  return { machine: now.machine - start.machine, self: (self.user + self.system) / 1e6 };
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
