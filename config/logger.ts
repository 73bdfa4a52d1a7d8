import pino from 'pino';

/** Process-wide structured logger; LOG_LEVEL tunes it. */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
