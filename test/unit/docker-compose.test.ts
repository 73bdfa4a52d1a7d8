// docker-compose.yml stays closed by default (docs/operations.md, "What is open"), and its Temporal is
// the container form of the tested cluster (scripts/temporal-cluster.sh, docs/scaling.md). No
// container engine runs here or in CI, so the file is read, not run: nothing published beyond
// loopback, no simulator port (its /v1/inject/* fault hooks), the worker and the ingest on the
// least-privileged audit logins, the worker signing checkpoints; and the same server version, schema
// steps, per-service environment, dynamic config and search attributes as the cluster CI runs.
// Prometheus and Grafana get ops/'s files, Prometheus scrapes the worker where it serves its
// metrics, and Grafana is behind its login.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Service {
  image?: string;
  ports?: (string | { host_ip?: string; published?: string | number })[];
  environment?: Record<string, string | number>;
  command?: string[];
  volumes?: string[];
}

const compose = parse(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'), {
  merge: true, // the `<<: *temporal-env` keys
}) as { services: Record<string, Service> };
const { services } = compose;
const env = (service: string) => services[service].environment ?? {};
/** The user and password of a service's DATABASE_URL (read raw: the password is a `${VAR:?…}`). */
function databaseLogin(service: string): { user: string; password: string } {
  const [, user, password] = /^postgres:\/\/([^:@/]+):(.+)@postgresql:5432\/rrm$/.exec(
    String(env(service).DATABASE_URL),
  ) ?? ['', '', ''];
  return { user, password };
}
const login = (service: string) => databaseLogin(service).user;
/** Every `GRANT <role> TO <login>` of the database logins service. */
const grants = (services['db-logins'].command ?? []).join('\n').match(/GRANT \w+ TO \w+/g) ?? [];

describe('docker-compose.yml is closed by default', () => {
  it('publishes no port beyond this machine’s loopback', () => {
    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => [name, typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}`]),
    );
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter(([, p]) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('publishes no port of the simulator, PostgreSQL, the worker or Prometheus', () => {
    for (const service of ['simulator', 'postgresql', 'worker', 'prometheus'])
      expect({ service, ports: services[service].ports }).toEqual({ service, ports: undefined });
  });

  it('runs the worker and the ingest as the audit logins, never as the database owner', () => {
    const owner = String(env('postgresql').POSTGRES_USER);
    expect(login('migrate')).toBe(owner);
    expect(login('worker')).not.toBe(owner);
    expect(login('ingest')).not.toBe(owner);
    expect(grants).toEqual(
      expect.arrayContaining([
        `GRANT rrm_audit_writer TO ${login('worker')}`,
        `GRANT rrm_audit_reader TO ${login('ingest')}`,
      ]),
    );
    // No other role is granted to them.
    expect(
      grants.filter((g) => g.endsWith(` ${login('worker')}`) || g.endsWith(` ${login('ingest')}`)),
    ).toHaveLength(2);
  });

  it('takes every password from the environment, required', () => {
    const required = /^\$\{[A-Z_]+:\?/;
    expect(String(env('postgresql').POSTGRES_PASSWORD)).toMatch(required);
    for (const service of ['migrate', 'worker', 'ingest'])
      expect(databaseLogin(service).password).toMatch(required);
  });

  it('has the worker sign checkpoints of the audit trail', () => {
    const worker = env('worker');
    expect(worker.RRM_AUDIT_CHECKPOINT_KEYS ?? worker.RRM_AUDIT_CHECKPOINT_KEYS_FILE).toBeTruthy();
    expect(worker.RRM_AUDIT_CHECKPOINT_DIR).toBeTruthy();
    expect(worker.RRM_AUDIT_HMAC_KEYS ?? worker.RRM_AUDIT_HMAC_KEYS_FILE).toBeTruthy();
  });

  it('requires the ingest token and never opens the ingest to anyone', () => {
    expect(String(env('ingest').RRM_INGEST_TOKEN)).toMatch(/^\$\{RRM_INGEST_TOKEN:\?/);
    expect(env('ingest').RRM_INGEST_ALLOW_ANONYMOUS).toBeUndefined();
  });

  it('provisions Prometheus with the rules and Grafana with the dashboard of ops/', () => {
    const mounts = (service: string) =>
      (services[service].volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':'));
    for (const [host] of [...mounts('prometheus'), ...mounts('grafana')])
      expect({ host, exists: existsSync(join(__dirname, '../..', host)) }).toEqual({ host, exists: true });
    expect(mounts('prometheus')).toEqual(
      expect.arrayContaining([
        ['./ops/prometheus/prometheus.yml', '/etc/prometheus/prometheus.yml', 'ro'],
        ['./ops/prometheus/rules', '/etc/prometheus/rules', 'ro'],
      ]),
    );
    expect(mounts('grafana')).toEqual(
      expect.arrayContaining([
        ['./ops/grafana/provisioning', '/etc/grafana/provisioning', 'ro'],
        ['./ops/grafana/dashboards', '/var/lib/grafana/dashboards', 'ro'],
      ]),
    );
    // The rules Prometheus loads are the files mounted, and it scrapes the worker where it serves.
    const prometheus = parse(
      readFileSync(join(__dirname, '../../ops/prometheus/prometheus.yml'), 'utf8'),
    ) as {
      rule_files: string[];
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets).toEqual([`worker:${env('worker').RRM_METRICS_PORT}`]);
    expect(env('worker').RRM_METRICS_HOST).toBe('0.0.0.0');
  });

  it('keeps Grafana behind its login: a required admin password, no anonymous access, no sign-up', () => {
    const grafana = env('grafana');
    expect(String(grafana.GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{[A-Z_]+:\?/);
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(grafana.GF_USERS_ALLOW_SIGN_UP).toBe('false');
  });
});

const script = readFileSync(join(__dirname, '../../scripts/temporal-cluster.sh'), 'utf8');
const lib = readFileSync(join(__dirname, '../../scripts/lib.sh'), 'utf8');
const pinned = (name: string) => new RegExp(`^${name}="([^"]+)"`, 'm').exec(lib)?.[1];
/** The services' environment scripts/temporal-cluster.sh writes (write_env's cluster.env). */
const clusterEnv = Object.fromEntries(
  [
    .../cat >"\$dir\/cluster\.env" <<EOF\n([\s\S]*?)\nEOF/
      .exec(script)![1]
      .matchAll(/^([A-Z_]+)='([^']*)'$/gm),
  ].map((m) => [m[1], m[2]]),
);
const temporalServices = Object.entries(services).filter(([, s]) =>
  s.image?.startsWith('temporalio/server:'),
);

describe('docker-compose.yml runs the tested cluster in containers', () => {
  it('pins the server, its admin tools and the Web UI to the versions the cluster is built from', () => {
    const server = pinned('TEMPORAL_SERVER_VERSION');
    expect(server).toMatch(/^\d+\.\d+\.\d+$/);
    const temporalImages = Object.values(services)
      .map((s) => s.image ?? '')
      .filter((i) => i.startsWith('temporalio/'));
    const expected = (image: string) =>
      image.startsWith('temporalio/ui:')
        ? `temporalio/ui:${pinned('TEMPORAL_UI_SERVER_VERSION')}`
        : `temporalio/${image.slice('temporalio/'.length).split(':')[0]}:${server}`;
    expect(temporalImages.map((i) => i.split(':')[0]).sort()).toEqual(
      expect.arrayContaining(['temporalio/admin-tools', 'temporalio/server', 'temporalio/ui']),
    );
    expect(temporalImages.filter((i) => !/^temporalio\/(server|admin-tools|ui):/.test(i))).toEqual([]);
    for (const image of temporalImages) expect(image).toBe(expected(image));
  });

  it('runs the four services as separate containers', () => {
    expect(temporalServices.map(([, s]) => env(serviceName(s)).TEMPORAL_SERVICES).sort()).toEqual([
      'frontend',
      'history',
      'matching',
      'worker',
    ]);
  });

  it('gives each service the environment the script gives each service process, ports and addresses aside', () => {
    // The image's entrypoint binds each container's own address; each service alone in its
    // container keeps the image's default ports.
    const local = /^(BIND_ON_IP|TEMPORAL_BROADCAST_ADDRESS|(FRONTEND|HISTORY|MATCHING|WORKER)_[A-Z]+_PORT)$/;
    const expected = Object.keys(clusterEnv).filter((k) => !local.test(k));
    for (const [name] of temporalServices) {
      const { TEMPORAL_SERVICES, ...rest } = env(name);
      expect(TEMPORAL_SERVICES).toBeTruthy();
      expect(Object.keys(rest).sort()).toEqual(expected.sort());
      for (const key of ['DB', 'TEMPORAL_ALLOW_NO_AUTH']) expect(String(rest[key])).toBe(clusterEnv[key]);
      expect(String(rest.NUM_HISTORY_SHARDS)).toBe(/TEMPORAL_CLUSTER_SHARDS:-(\d+)/.exec(script)?.[1]);
      expect([rest.DBNAME, rest.VISIBILITY_DBNAME]).toEqual(['temporal', 'temporal_visibility']);
    }
  });

  it('mounts the dynamic config the script points the services at', () => {
    expect(clusterEnv.DYNAMIC_CONFIG_FILE_PATH).toBe('$RRM_ROOT/config/temporal-cluster.yaml');
    for (const [name, s] of temporalServices) {
      const mount = (s.volumes ?? []).find((v) => v.startsWith('./config/temporal-cluster.yaml:'));
      expect(mount?.split(':')[1]).toBe(env(name).DYNAMIC_CONFIG_FILE_PATH);
    }
  });

  it('sets the schema up with the same steps, and registers the same search attributes', () => {
    const steps = (text: string) =>
      [...text.matchAll(/(create-database|setup-schema -v 0\.0|update-schema -d)/g)].map((m) => m[1]);
    const schema = (services['temporal-schema'].command ?? []).join('\n');
    const setup = script.slice(script.indexOf('setup_schema() {'), script.indexOf('register_namespace() {'));
    expect(steps(schema)).toEqual(steps(setup));
    expect(schema).toContain('temporal:temporal temporal_visibility:visibility');
    expect(schema).toContain('/postgresql/v12/');
    expect(setup).toContain('/schema/postgresql/v12/');
    const attributes = (text: string) =>
      /(?:SEARCH_ATTRIBUTES=\(|for sa in )([A-Za-z ]+)/.exec(text)![1].trim().split(/\s+/);
    expect(attributes((services['temporal-setup'].command ?? []).join('\n'))).toEqual(attributes(script));
  });
});

function serviceName(service: Service): string {
  return Object.entries(services).find(([, s]) => s === service)![0];
}
