// The dashboards and alerts of ops/ (docs/operator-surfaces.md, "Dashboards and alerts") name only metrics a
// running worker exports: every PromQL expression of the Grafana dashboard and of the Prometheus rules
// is parsed for its metric names, and a real worker process (`npm run worker`, RRM_METRICS_PORT) is
// scraped after a few events ran through it. The rules pass `promtool check rules` (Debian's
// prometheus package, unpacked by scripts/test-tools.sh); where promtool is not there, that one check
// says so and is skipped.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { RrmClient } from '../../client/library';
import { startMetricsWorker } from '../support/metrics-worker';
import { inStage } from '../support/scenarios';
import { simPost } from '../support/sim-client';
import { eventually, startStack, type Stack } from '../support/stack';
import type { WorkerProcess } from '../support/worker-process';

const OPS = join(__dirname, '../../ops');
const DASHBOARD = join(OPS, 'grafana/dashboards/rrm-worker.json');
const RULES = join(OPS, 'prometheus/rules/rrm-alerts.yml');

/** PromQL's own words: functions, aggregations, operators and modifiers, never metric names. */
const PROMQL_WORDS = new Set([
  ...['sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or'],
  ...['unless', 'inf', 'nan'],
]);

/** The metric names of a PromQL expression (Grafana's $__variables allowed). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, word, call] = match;
    if (call || PROMQL_WORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

/** Every `expr` of a Grafana dashboard, nested rows included. */
function dashboardExprs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(dashboardExprs);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'expr' && typeof value === 'string' ? [value] : dashboardExprs(value),
  );
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

/**
 * The names of a scrape that have samples, and those declared (`# TYPE`) without samples yet: a
 * labelled prom-client metric nobody observed. A histogram is declared under its base name.
 */
function exported(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const line of scrape.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typed) {
      names.add(typed[1]);
      if (typed[2] === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(typed[1] + s);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]);
  }
  return names;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as unknown;
const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
const dashboardMetrics = [...new Set(dashboardExprs(dashboard).flatMap(metricNames))].sort();
const ruleMetrics = [
  ...new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr)))),
].sort();

describe('ops/: the Grafana dashboard and the Prometheus alert rules', () => {
  it('reads metric names out of PromQL, and nothing else', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, type) (rate(rrm_x_bucket{type="DFS_RADAR", le="10"}[$__rate_interval])))' +
          ' - on (job) group_left sum(increase(rrm_y_total[5m] offset 1h)) > 0 or absent(temporal_z{a="b"})',
      ),
    ).toEqual(['rrm_x_bucket', 'rrm_y_total', 'temporal_z']);
  });

  it('has the four alerts and panels for what the issue asks', () => {
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual([
      'RrmRadarMoveOver10s',
      'RrmAuditAppendsFailing',
      'RrmEventsAwaitingOperator',
      'RrmWorkerNotPolling',
    ]);
    for (const name of [
      'rrm_events_total',
      'rrm_channel_move_time_seconds_bucket',
      'rrm_turn_wait_seconds_bucket',
      'rrm_rollbacks_total',
      'rrm_audit_append_seconds_bucket',
      'rrm_controller_request_seconds_bucket',
      'temporal_workflow_task_execution_latency_bucket',
      'temporal_activity_execution_latency_bucket',
    ])
      expect(dashboardMetrics).toContain(name);
  });

  it('passes promtool check rules (and check config)', async () => {
    const promtool = process.env.RRM_PROMTOOL;
    if (!promtool || !existsSync(promtool)) {
      console.log(
        `promtool check rules skipped: promtool is not installed here (RRM_PROMTOOL=${promtool ?? ''}); ` +
          'scripts/test-tools.sh unpacks it from Debian’s prometheus package when it can',
      );
      return;
    }
    const run = promisify(execFile);
    const { stdout } = await run(promtool, ['check', 'rules', RULES]);
    expect(stdout).toContain(`SUCCESS: ${rules.groups.flatMap((g) => g.rules).length} rules found`);
    // The configuration docker-compose.yml mounts, too.
    const config = await run(promtool, ['check', 'config', join(OPS, 'prometheus/prometheus.yml')]);
    expect(config.stdout).toContain('is valid prometheus config file syntax');
  });

  describe('against a running worker', () => {
    let stack: Stack;
    let worker: WorkerProcess;
    let scrape: () => Promise<string>;

    beforeAll(async () => {
      stack = await startStack();
      let rrm: RrmClient;
      ({ worker, rrm, scrape } = await startMetricsWorker(stack, 'ops'));
      // What a worker does in a day, in small: a radar move (controller calls, audit appends,
      // activities, local activities), an event refused at once (a workflow that completes).
      await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
      const [radar, rejected] = await rrm.submit([
        { type: 'DFS_RADAR', apId: stack.ap('ap-05'), data: { channel: 52 } },
        { type: 'NON_WIFI_BURST', apId: stack.ap('ap-07'), confidence: 0.1 },
      ]);
      await inStage({ ...stack, rrm }, radar.eventId, 'monitor');
      await rrm.client.workflow.getHandle(`event:${rejected.eventId}`).result();
    });
    afterAll(async () => {
      await worker?.stop();
      await stack?.stop();
    });

    it('exports every metric the dashboard and the rules name', async () => {
      const wanted = [...new Set([...dashboardMetrics, ...ruleMetrics])];
      // The SDK exports a workflow's completion and end-to-end latency once it has seen one: poll.
      let missing: string[] = wanted;
      await eventually(async () => {
        const names = exported(await scrape());
        missing = wanted.filter((name) => !names.has(name));
        return missing.length === 0 ? true : undefined;
      }, 30_000).catch(() => undefined);
      expect(missing).toEqual([]);
      expect(wanted.length).toBeGreaterThan(15);
    });

    it('counts the events FAILED and waiting for an operator, at 0 here', async () => {
      const text = await scrape();
      expect(text).toMatch(/^rrm_events_awaiting_operator 0$/m);
    });
  });
});
