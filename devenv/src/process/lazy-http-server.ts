import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A listening socket that speaks HTTP, with Node's HTTP server loaded at its first connection. */
export interface LazyHttpServer {
  /** Listen, `address()`, `unref()`, the 'error' and 'listening' events: a plain net server. */
  readonly listener: NetServer;
  /** Ends the connections that carry no request now (keep-alive ones). */
  closeIdleConnections(): void;
  /** Ends every connection, answers under way included. */
  closeAllConnections(): void;
}

/**
 * devenv serves HTTP on its control socket and its /metrics port, and most runs are never asked
 * anything: Node's HTTP server (its parser, incoming and outgoing messages, ~1.4 MB resident)
 * is loaded only when a first client connects, which then hands its sockets over.
 * `process.getBuiltinModule`, not an import: the ESM facade of node:http loads undici too.
 */
export function lazyHttpServer(handler: Handler): LazyHttpServer {
  let http: HttpServer | undefined;
  const listener = createNetServer((socket) => {
    http ??= process.getBuiltinModule('node:http').createServer(handler);
    http.emit('connection', socket);
  });
  return {
    listener,
    closeIdleConnections: () => http?.closeIdleConnections(),
    closeAllConnections: () => http?.closeAllConnections(),
  };
}
