// Where clients go: the admission cap, the neighbours a client can move to, roaming when an AP
// leaves service (and back when it returns), BSS-transition steering and the clients view. The
// three movers share one rule for "can this AP take this client", so a cap refuses them alike.
import type { Radio } from '../domain/regulatory';
import type { AssociationLog } from './association-rates';
import { noNoise } from './random';
import {
  associatedClients,
  clientCanUse,
  clientRssiDbm,
  inService,
  radioFigures,
  subchannelsOf,
  type RfEnvironment,
} from './rf-model';
import type { Ap, Client, ClientView, RadioConfig, SteerRefusalReason, SteerResult } from './types';

/** A client associates only with an AP it hears at least this well (receiver sensitivity). */
export const ROAM_FLOOR_DBM = -82;
/** A BSS transition is only requested towards an AP the client hears at least this well. */
export const STEER_MIN_DBM = -75;
/** The clients view lists the neighbours a client hears at least this well. */
export const CANDIDATE_MIN_DBM = -80;

const round1 = (v: number): number => Math.round(v * 10) / 10;

interface Candidate {
  ap: Ap;
  config: RadioConfig;
  rssiDbm: number;
}

/** In-service APs other than the client's, on its band and a channel it can use, strongest first. */
function candidatesFor(env: RfEnvironment, client: Client, minDbm: number): Candidate[] {
  return env.aps
    .filter((ap) => ap.apId !== client.apId && inService(ap))
    .flatMap((ap) => {
      const config = ap.radios[client.radio];
      if (!config) return [];
      const usable = clientCanUse(
        client,
        client.radio,
        subchannelsOf(config, env.regulatoryDomain),
        env.regulatoryDomain,
      );
      const rssiDbm = clientRssiDbm(client, ap, config);
      return usable && rssiDbm >= minDbm ? [{ ap, config, rssiDbm }] : [];
    })
    .sort((a, b) => b.rssiDbm - a.rssiDbm);
}

/** Whether the radio's admission cap leaves room for one more client. */
function hasRoom(env: RfEnvironment, ap: Ap, radio: Radio): boolean {
  const cap = ap.radios[radio]?.admissionCap ?? null;
  return cap === null || associatedClients(env, ap, radio).length < cap;
}

/** One association attempt of a new client: joins unless the cap refuses it; both are counted. */
export function admit(env: RfEnvironment, log: AssociationLog, ap: Ap, radio: Radio): boolean {
  const ok = hasRoom(env, ap, radio);
  log.record(ap.apId, radio, ok ? 'joined' : 'refused');
  return ok;
}

/**
 * The AP left service: each of its clients roams to the neighbour it hears best that admits it.
 * A client nobody admits stays with the AP, without service. It remembers where it came from.
 */
export function roamAway(env: RfEnvironment, log: AssociationLog, ap: Ap): void {
  const leaving = env.clients
    .filter((c) => c.apId === ap.apId)
    .sort((a, b) => a.clientId.localeCompare(b.clientId));
  for (const client of leaving) {
    const target = candidatesFor(env, client, ROAM_FLOOR_DBM).find((c) =>
      admit(env, log, c.ap, client.radio),
    );
    if (!target) continue;
    client.roamedFrom ??= ap.apId;
    client.apId = target.ap.apId;
  }
}

/** The AP is back in service: the clients that roamed away from it return (its signal is theirs). */
export function returnHome(env: RfEnvironment, log: AssociationLog, ap: Ap): void {
  const returning = env.clients
    .filter((c) => c.roamedFrom === ap.apId && ap.radios[c.radio] !== undefined)
    .sort((a, b) => a.clientId.localeCompare(b.clientId));
  for (const client of returning) {
    if (!admit(env, log, ap, client.radio)) continue;
    client.apId = ap.apId;
    delete client.roamedFrom;
  }
}

/** BSS transition of listed clients from `source` to `target`'s radio on the same band. */
export function steerClients(
  env: RfEnvironment,
  log: AssociationLog,
  source: Ap,
  radio: Radio,
  clientIds: string[],
  target: Ap,
): Pick<SteerResult, 'steered' | 'refused'> {
  const targetConfig = target.radios[radio]!;
  const targetSubs = subchannelsOf(targetConfig, env.regulatoryDomain);
  const steered: string[] = [];
  const refused: SteerResult['refused'] = [];
  for (const clientId of clientIds) {
    const associated = associatedClients(env, source, radio);
    const client = associated.find((c) => c.clientId === clientId);
    const reason = ((): SteerRefusalReason | null => {
      if (!client) return 'not_associated';
      if (!client.capabilities.btmCapable) return 'not_btm_capable';
      if (target.apId === source.apId) return 'same_ap';
      if (!inService(target)) return 'target_down';
      if (!clientCanUse(client, radio, targetSubs, env.regulatoryDomain)) return 'unsupported_channel';
      if (clientRssiDbm(client, target, targetConfig) < STEER_MIN_DBM) return 'weak_signal';
      if (!admit(env, log, target, radio)) return 'target_full';
      return null;
    })();
    if (reason || !client) {
      refused.push({ clientId, reason: reason ?? 'not_associated' });
      continue;
    }
    client.apId = target.apId;
    // A deliberate move: the client no longer belongs back where it roamed from.
    delete client.roamedFrom;
    steered.push(clientId);
  }
  return { steered, refused };
}

/** Associated clients of a radio with their QoE, link and the neighbours they could move to. */
export function clientsView(env: RfEnvironment, ap: Ap, radio: Radio): ClientView[] {
  const config = ap.radios[radio]!;
  const qoe = new Map(radioFigures(env, ap, radio, noNoise).clients.map((c) => [c.clientId, c.qoe]));
  return associatedClients(env, ap, radio)
    .sort((a, b) => a.clientId.localeCompare(b.clientId))
    .map((client) => ({
      clientId: client.clientId,
      qoe: qoe.get(client.clientId)!,
      rssiDbm: round1(clientRssiDbm(client, ap, config)),
      btmCapable: client.capabilities.btmCapable,
      candidates: candidatesFor(env, client, CANDIDATE_MIN_DBM).map((c) => ({
        apId: c.ap.apId,
        rssiDbm: round1(c.rssiDbm),
        clientCount: associatedClients(env, c.ap, radio).length,
        admissionCap: c.config.admissionCap,
      })),
    }));
}
