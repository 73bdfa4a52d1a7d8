// The floor page, `/ui/` (docs/operator-surfaces.md, "The floor page"): plain HTML, JavaScript, CSS
// and SVG from ./ui, served as they are (nothing to build), behind the ingest's own tokens. A browser
// cannot send a bearer header when it opens a page, so `/ui/` without a valid token answers 401 like
// every route, and to a browser that 401 carries index.html: a token form that holds no data and none
// of the page's code. It keeps the token in sessionStorage and fetches the page's files and every
// answer with it as a bearer header.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface UiOptions {
  /** The Temporal Web UI the feed links each event to, e.g. http://localhost:8233. */
  temporalWebUi: string;
  namespace: string;
  /** How often the page polls the floor and the feed (the bursts at twice that). */
  pollSeconds?: number;
  /** Events the feed shows. */
  feedEvents?: number;
}

/** A page answered to a request without a valid token (auth.ts), with the headers it needs. */
export interface SignInPage {
  body: string;
  headers: Record<string, string>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Without a valid token, answer 401 with this page instead of JSON (auth.ts). */
    signInPage?: SignInPage;
  }
}

const UI_DIR = join(__dirname, 'ui');
/** The page's files besides index.html; anything else under /ui/ is 404. */
const FILES: Record<string, string> = {
  'layout.js': 'text/javascript; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * index.html with its Content-Security-Policy: its own inline script and style (by hash), the page's
 * scripts and style sheet as the blobs it makes of them, calls to this origin only.
 */
export function signInPage(): SignInPage {
  const body = readFileSync(join(UI_DIR, 'index.html'), 'utf8');
  const inline = (tag: string) =>
    [...body.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => sha256(m[1]));
  const csp = [
    "default-src 'none'",
    `script-src ${inline('script').join(' ')} blob:`,
    `style-src ${inline('style').join(' ')} blob:`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    body,
    headers: {
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
    },
  };
}

export function registerUi(app: FastifyInstance, opts: UiOptions): void {
  const page = signInPage();
  const files = new Map(Object.keys(FILES).map((name) => [name, readFileSync(join(UI_DIR, name), 'utf8')]));
  const settings = {
    temporalWebUi: opts.temporalWebUi.replace(/\/+$/, ''),
    namespace: opts.namespace,
    pollSeconds: opts.pollSeconds ?? 2,
    feedEvents: opts.feedEvents ?? 25,
  };

  for (const url of ['/ui', '/ui/']) {
    app.get(url, { config: { signInPage: page } }, async (_request, reply) =>
      reply.headers(page.headers).send(page.body),
    );
  }
  app.get('/ui/settings.json', async (_request, reply) => reply.headers(COMMON_HEADERS).send(settings));
  app.get<{ Params: { file: string } }>('/ui/:file', async (request, reply) => {
    const { file } = request.params;
    const text = Object.hasOwn(FILES, file) ? files.get(file) : undefined;
    if (text === undefined)
      return reply.code(404).send({ error: 'not_found', message: `no file /ui/${file.slice(0, 80)}` });
    return reply.headers({ ...COMMON_HEADERS, 'content-type': FILES[file] }).send(text);
  });
}
