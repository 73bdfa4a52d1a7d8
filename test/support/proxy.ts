// A proxy in front of the dev server, for tests that need Temporal behind TLS or Temporal gone:
// - with certificates it terminates mTLS (a client certificate of the test CA required, HTTP/2
//   offered by ALPN), so gRPC clients speak to it as to a TLS-enabled Temporal frontend;
// - `cut()` drops every connection and stops listening: Temporal unreachable, the server untouched.
import { readFileSync } from 'node:fs';
import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TestCertificates } from './tls';

export interface Proxy {
  /** host:port to connect to. */
  address: string;
  /** TLS handshakes refused (e.g. no client certificate). */
  refused: number;
  /** Temporal unreachable from now on: connections dropped, the port closed. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

/** Forwards a free port of 127.0.0.1 to `target` (host:port), over mTLS when `certs` are given. */
export async function startProxy(target: string, certs?: TestCertificates): Promise<Proxy> {
  const at = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, at), Number(target.slice(at + 1))];
  const sockets = new Set<Socket>();
  const forward = (client: Socket) => {
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  };
  const server: Server = certs
    ? createTlsServer(
        {
          key: readFileSync(certs.serverKey),
          cert: readFileSync(certs.serverCert),
          ca: readFileSync(certs.caCert),
          requestCert: true,
          rejectUnauthorized: true,
          ALPNProtocols: ['h2'],
        },
        forward,
      )
    : createTcpServer(forward);
  let closed = false;
  const cut = () =>
    new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      if (closed) return resolve();
      closed = true;
      server.close(() => resolve());
    });
  const proxy: Proxy = { address: '', refused: 0, cut, close: cut };
  server.on('tlsClientError', () => void proxy.refused++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
