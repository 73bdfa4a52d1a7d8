// The OpenWiFi face's answers in the gateway's words: its HTTP status and its error body
// `{ ErrorCode, ErrorDetails, ErrorDescription }` (auth failures are 403, others mostly 400).

/** An answer in the gateway's words: its HTTP status, body and headers. */
export interface GatewayAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The gateway's error body: `{ ErrorCode, ErrorDetails, ErrorDescription }`. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
  answer(method: string): GatewayAnswer {
    return {
      status: this.status,
      headers: this.headers,
      body: { ErrorCode: this.errorCode, ErrorDetails: method, ErrorDescription: this.description },
    };
  }
}

export const badRequest = (code: number, text: string) => new GatewayError(400, 400, `${code}: ${text}`);
export const notFound = () => new GatewayError(404, 404, '404: Resource does not exist.');
export const notConnected = () => badRequest(1033, 'Device is not currently connected.');
