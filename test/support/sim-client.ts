// Small HTTP helpers for tests that talk to the simulator over real HTTP (global fetch).
import type { RadioDfsView } from '../../simulator/dfs-states';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import type {
  AdminResult,
  ApState,
  ApStatus,
  ChangeRecord,
  ClientView,
  ConfigChanges,
  Detection,
  RadioMetrics,
  ScanResult,
  SteerResult,
} from '../../simulator/types';

export interface SimErrorBody {
  error: string;
  message: string;
  field?: string;
  currentVersion?: number;
  maxTxPowerDbm?: number;
  apId?: string;
  issues?: Array<{ path: string; message: string }>;
}

export interface SimResponse<T> {
  status: number;
  body: T;
}

export async function simRequest<T>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<SimResponse<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** GET that must succeed; fails the test with the response otherwise. */
export async function simGet<T>(baseUrl: string, path: string): Promise<T> {
  const res = await simRequest<T>(baseUrl, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function simPost<T>(baseUrl: string, path: string, body?: unknown): Promise<T> {
  const res = await simRequest<T>(baseUrl, 'POST', path, body ?? {});
  if (res.status !== 200) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const getAp = (url: string, apId: string): Promise<ApState> => simGet<ApState>(url, `/v1/aps/${apId}`);

export const getMetrics = (url: string, apId: string, radio = '5g'): Promise<RadioMetrics> =>
  simGet<RadioMetrics>(url, `/v1/aps/${apId}/radios/${radio}/metrics`);

export const getScan = (url: string, apId: string, radio = '5g'): Promise<ScanResult> =>
  simGet<ScanResult>(url, `/v1/aps/${apId}/radios/${radio}/scan`);

export const getChanges = async (url: string, apId: string): Promise<ChangeRecord[]> =>
  (await simGet<{ changes: ChangeRecord[] }>(url, `/v1/aps/${apId}/changes`)).changes;

let changeCounter = 0;

/** Config change at the AP's current version; returns the raw response. */
export async function changeRadio<T = unknown>(
  url: string,
  apId: string,
  changes: ConfigChanges,
  opts: { radio?: string; changeId?: string; expectedVersion?: number } = {},
): Promise<SimResponse<T>> {
  const radio = opts.radio ?? '5g';
  // The radio's own version guards its change (compare-and-set per radio).
  const expectedVersion = opts.expectedVersion ?? (await getAp(url, apId)).radios[radio as '5g']!.version;
  const changeId = opts.changeId ?? `test-change-${process.pid}-${++changeCounter}`;
  return simRequest<T>(url, 'POST', `/v1/aps/${apId}/radios/${radio}/config`, {
    changeId,
    expectedVersion,
    changes,
  });
}

/** Mean of the figures over a few samples: the simulator adds small sampling noise. */
export async function meanMetrics(
  url: string,
  apId: string,
  radio = '5g',
  samples = 3,
): Promise<
  Pick<
    RadioMetrics,
    'per' | 'retryRate' | 'throughputMbps' | 'avgQoe' | 'utilizationPct' | 'disconnectsPerMin'
  >
> {
  const all = await Promise.all(Array.from({ length: samples }, () => getMetrics(url, apId, radio)));
  const mean = (
    k: 'per' | 'retryRate' | 'throughputMbps' | 'avgQoe' | 'utilizationPct' | 'disconnectsPerMin',
  ): number => all.reduce((s, m) => s + m[k], 0) / all.length;
  return {
    per: mean('per'),
    retryRate: mean('retryRate'),
    throughputMbps: mean('throughputMbps'),
    avgQoe: mean('avgQoe'),
    utilizationPct: mean('utilizationPct'),
    disconnectsPerMin: mean('disconnectsPerMin'),
  };
}

/** One radio's current configuration (default the 5 GHz radio). */
export async function getRadio(url: string, apId: string, radio: '2g' | '5g' | '6g' = '5g') {
  const state = (await getAp(url, apId)).radios[radio];
  if (!state) throw new Error(`${apId} has no ${radio} radio`);
  return state;
}

/** A 5 GHz radio's DFS channel states and whether it transmits (a CAC puts it off the air). */
export const getDfs = (url: string, apId: string): Promise<RadioDfsView> =>
  simGet<RadioDfsView>(url, `/v1/aps/${apId}/radios/5g/dfs`);

export const getClients = async (url: string, apId: string, radio = '5g'): Promise<ClientView[]> =>
  (await simGet<{ clients: ClientView[] }>(url, `/v1/aps/${apId}/radios/${radio}/clients`)).clients;

export const getDetections = async (url: string): Promise<Detection[]> =>
  (await simGet<{ detections: Detection[] }>(url, '/v1/sensing')).detections;

/** BSS transition request; returns the raw response. */
export function steerClients<T = SteerResult>(
  url: string,
  apId: string,
  body: { clientIds: string[]; targetApId: string; changeId?: string },
  radio = '5g',
): Promise<SimResponse<T>> {
  const changeId = body.changeId ?? `test-steer-${process.pid}-${++changeCounter}`;
  return simRequest<T>(url, 'POST', `/v1/aps/${apId}/radios/${radio}/steer`, { ...body, changeId });
}

/** Admin state change at the AP's current version (unless given); returns the raw response. */
export async function setAdminStatus<T = AdminResult>(
  url: string,
  apId: string,
  adminStatus: ApStatus,
  opts: { changeId?: string; expectedVersion?: number } = {},
): Promise<SimResponse<T>> {
  const expectedVersion = opts.expectedVersion ?? (await getAp(url, apId)).version;
  const changeId = opts.changeId ?? `test-admin-${process.pid}-${++changeCounter}`;
  return simRequest<T>(url, 'POST', `/v1/aps/${apId}/admin`, { changeId, expectedVersion, adminStatus });
}

/** Mean QoE of the given clients in the views of the given APs (wherever each is associated now). */
export async function meanQoeOf(
  url: string,
  clientIds: string[],
  apIds: string[],
  radio = '5g',
): Promise<number> {
  const views = (await Promise.all(apIds.map((apId) => getClients(url, apId, radio)))).flat();
  const qoe = views.filter((c) => clientIds.includes(c.clientId)).map((c) => c.qoe);
  if (qoe.length !== clientIds.length) throw new Error(`found ${qoe.length} of ${clientIds.length} clients`);
  return qoe.reduce((s, q) => s + q, 0) / qoe.length;
}

/**
 * The built-in floor on a free port for the file's tests, reset to its seeded state before each test.
 * Read `url` (and `world`) inside tests: they exist once the file's set-up has run.
 */
export function useBuiltInSimulator(): Pick<RunningSimulator, 'url' | 'world' | 'openWifi'> {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim?.close());
  beforeEach(() => simPost(sim!.url, '/v1/inject/reset'));
  return {
    get url() {
      return sim!.url;
    },
    get world() {
      return sim!.world;
    },
    get openWifi() {
      return sim!.openWifi;
    },
  };
}
