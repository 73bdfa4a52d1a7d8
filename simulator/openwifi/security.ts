// The OpenWiFi face's security service (owsec) and the gateway's check of each call: sign-in with a
// user and password (`POST /oauth2`), refresh with the refresh token, an API key as `X-API-KEY`,
// and tokens that expire.
import { randomBytes } from 'node:crypto';
import { badRequest, GatewayError, type GatewayAnswer } from './answers';

export interface OpenWifiCredentials {
  apiKey: string;
  userId: string;
  password: string;
}

interface Token {
  userId: string;
  expiresAt: number;
  refreshToken: string;
}

const now = () => Math.floor(Date.now() / 1000);

export class OpenWifiSecurity {
  private tokens = new Map<string, Token>();
  private refreshTokens = new Map<string, string>();

  constructor(
    readonly credentials: OpenWifiCredentials,
    /** How long an OAuth2 access token lives (owsec's default is 30 days). */
    private readonly tokenLifetimeS = 30 * 24 * 3600,
  ) {}

  signIn(body: unknown, grantType: string | undefined): GatewayAnswer {
    const b = (body ?? {}) as Record<string, unknown>;
    let userId: string;
    if (grantType === 'refresh_token') {
      const known = typeof b.refreshToken === 'string' ? this.refreshTokens.get(b.refreshToken) : undefined;
      if (!known) throw new GatewayError(403, 14, '14: Cannot refresh token.');
      this.refreshTokens.delete(b.refreshToken as string);
      userId = known;
    } else {
      if (typeof b.userId !== 'string' || typeof b.password !== 'string') {
        throw badRequest(1003, 'Invalid JSON document.');
      }
      if (
        b.userId.toLowerCase() !== this.credentials.userId.toLowerCase() ||
        b.password !== this.credentials.password
      ) {
        throw new GatewayError(403, 2, '2: Invalid credentials.');
      }
      userId = b.userId.toLowerCase();
    }
    const access = randomBytes(32).toString('hex');
    const refresh = randomBytes(32).toString('hex');
    const created = now();
    this.tokens.set(access, {
      userId,
      expiresAt: (created + this.tokenLifetimeS) * 1000,
      refreshToken: refresh,
    });
    this.refreshTokens.set(refresh, userId);
    return {
      status: 200,
      body: {
        access_token: access,
        refresh_token: refresh,
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeS,
        idle_timeout: 300,
        created,
        username: userId,
        userMustChangePassword: false,
        errorCode: 0,
      },
    };
  }

  /** The gateway's check of a request's API key or bearer token (403 with the reason's code). */
  authorize(headers: Record<string, string | string[] | undefined>): void {
    const apiKey = headers['x-api-key'];
    if (apiKey !== undefined) {
      if (apiKey === this.credentials.apiKey) return;
      throw new GatewayError(403, 8, '8: Invalid token.');
    }
    const bearer = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token) throw new GatewayError(403, 8, '8: Invalid token.');
    if (token.expiresAt <= Date.now()) throw new GatewayError(403, 9, '9: Expired token.');
  }

  /** Test hook: every token issued so far has expired. */
  expireTokens(): number {
    for (const t of this.tokens.values()) t.expiresAt = 0;
    return this.tokens.size;
  }
}
