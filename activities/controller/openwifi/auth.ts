// Signing in to OpenWiFi as its own services do: an API key sent as `X-API-KEY`, or an OAuth2
// access token from the security service (owsec `POST /oauth2`) sent as a bearer token, renewed
// with its refresh token before it expires and signed in for anew when the gateway refuses it.
// Secrets stay in this object: never in a message, a log line or a span.
import type { HttpAnswer, HttpCall } from '../http';
import { ControllerError } from '../port';
import { checked, TokenSchema } from './schemas';

export interface GatewayCredentials {
  apiKey?: string;
  user?: string;
  password?: string;
  /** owsec's REST API, e.g. https://sec.example.net:16001/api/v1. */
  securityUrl?: string;
}

interface Token {
  access: string;
  refresh: string;
  /** When to renew it (epoch ms): well before it expires. */
  renewAt: number;
}

/** A token is renewed after this share of its lifetime, and at least this long before it ends. */
const RENEW_AT_SHARE = 0.8;
const RENEW_MARGIN_MS = 60_000;
const SIGN_IN_TIMEOUT_MS = 5_000;

export class GatewayAuth {
  private token?: Token;
  private signingIn?: Promise<Token>;

  constructor(
    private readonly credentials: GatewayCredentials,
    private readonly transport: (call: HttpCall) => Promise<HttpAnswer>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The headers that authorize one call. */
  async headers(): Promise<Record<string, string>> {
    if (this.credentials.apiKey) return { 'X-API-KEY': this.credentials.apiKey };
    return { authorization: `Bearer ${(await this.currentToken()).access}` };
  }

  /** True when calls carry a token that can be renewed (not an API key). */
  get usesTokens(): boolean {
    return !this.credentials.apiKey;
  }

  /** The gateway refused the token a call carried: the next call signs in again. */
  refused(headers: Record<string, string>): void {
    if (this.token && headers.authorization === `Bearer ${this.token.access}`) this.token = undefined;
  }

  private async currentToken(): Promise<Token> {
    const token = this.token;
    if (token && this.now() < token.renewAt) return token;
    this.signingIn ??= this.renew(token).finally(() => (this.signingIn = undefined));
    return this.signingIn;
  }

  /** A refresh with the old token's refresh token, else (or when refused) a sign-in with the password. */
  private async renew(old: Token | undefined): Promise<Token> {
    if (old) {
      const refreshed = await this.oauth2('?grant_type=refresh_token', { refreshToken: old.refresh }).catch(
        () => undefined,
      );
      if (refreshed) return (this.token = refreshed);
    }
    const { user, password } = this.credentials;
    return (this.token = await this.oauth2('', { userId: user, password }));
  }

  private async oauth2(query: string, body: Record<string, unknown>): Promise<Token> {
    const base = this.credentials.securityUrl?.replace(/\/$/, '');
    if (!base) throw new ControllerError('ControllerRefused', 'OpenWiFi: no security service to sign in to');
    const started = this.now();
    const res = await this.transport({
      method: 'POST',
      url: `${base}/oauth2${query}`,
      body,
      timeoutMs: SIGN_IN_TIMEOUT_MS,
    });
    const description = (res.body as { ErrorDescription?: unknown } | undefined)?.ErrorDescription;
    if (res.status >= 500) throw new Error(`OpenWiFi security service answered ${res.status}`);
    if (res.status !== 200) {
      // Wrong credentials cannot succeed on a retry: the operator must fix them.
      throw new ControllerError(
        'ControllerRefused',
        `OpenWiFi security service refused the sign-in (${res.status}${description ? `: ${String(description)}` : ''})`,
      );
    }
    const token = checked(TokenSchema, res.body, 'POST /oauth2');
    const lifetimeMs = token.expires_in * 1000;
    return {
      access: token.access_token,
      refresh: token.refresh_token,
      renewAt: started + Math.min(lifetimeMs * RENEW_AT_SHARE, Math.max(0, lifetimeMs - RENEW_MARGIN_MS)),
    };
  }
}
