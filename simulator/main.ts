// Entry point of the built-in controller + RF world: `npm run simulator`.
// SIM_PORT (default 8787), SIM_HOST (default 127.0.0.1), SIM_SEED (default 1),
// SIM_REGULATORY_DOMAIN (US | EU, default US).
import pino from 'pino';
import { REGULATORY_DOMAINS, type RegulatoryDomain } from '../domain/regulatory';
import { BUILT_IN_SCENARIO } from './scenario';
import { startSimulator } from './server';

const logger = pino({ name: 'rrm-simulator', level: process.env.LOG_LEVEL ?? 'info' });

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name}: expected a non-negative integer, got "${raw}"`);
  return n;
}

function envDomain(): RegulatoryDomain {
  const raw = process.env.SIM_REGULATORY_DOMAIN ?? 'US';
  if (!(REGULATORY_DOMAINS as readonly string[]).includes(raw)) {
    throw new Error(`SIM_REGULATORY_DOMAIN: expected one of ${REGULATORY_DOMAINS.join(', ')}, got "${raw}"`);
  }
  return raw as RegulatoryDomain;
}

async function main(): Promise<void> {
  const seed = envInt('SIM_SEED', 1);
  const regulatoryDomain = envDomain();
  const sim = await startSimulator({
    port: envInt('SIM_PORT', 8787),
    host: process.env.SIM_HOST?.trim() || '127.0.0.1',
    seed,
    regulatoryDomain,
    logger,
  });
  logger.info(
    { url: sim.url, seed, regulatoryDomain, scenario: BUILT_IN_SCENARIO.name },
    'simulator listening',
  );
  const stop = (signal: string): void => {
    logger.info({ signal }, 'simulator stopping');
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, `simulator failed to start: ${(err as Error).message}`);
  process.exit(1);
});
