// Small HTTP helpers for tests that talk to the simulator over real HTTP (global fetch).
import type { ApState, ChangeRecord, ConfigChanges, RadioMetrics, ScanResult } from '../../simulator/types';

export interface SimErrorBody {
  error: string;
  message: string;
  field?: string;
  currentVersion?: number;
  maxTxPowerDbm?: number;
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
  const expectedVersion = opts.expectedVersion ?? (await getAp(url, apId)).version;
  const changeId = opts.changeId ?? `test-change-${process.pid}-${++changeCounter}`;
  return simRequest<T>(url, 'POST', `/v1/aps/${apId}/radios/${opts.radio ?? '5g'}/config`, {
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
