import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError } from 'fastify';
import type { ApiError } from './errors.js';

/** Fastify's own 4xx errors, renamed to the API's reasons. */
const FASTIFY_REASONS: Readonly<Record<string, { status: number; error: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid-json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'invalid-json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'body-too-large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid-content-length' },
  FST_ERR_BAD_URL: { status: 400, error: 'invalid-url' },
};

/** Fastify's client errors as API errors; undefined for a server error (500). */
export function fastifyError(error: FastifyError): ApiError | undefined {
  const known = error.code ? FASTIFY_REASONS[error.code] : undefined;
  if (known) return { ...known, message: error.message };
  const status = error.statusCode ?? 500;
  if (status === 429) {
    return { status, error: 'rate-limited', message: error.message };
  }
  // Fastify's other client errors (e.g. a poisoned __proto__ key) carry safe messages.
  if (status >= 400 && status < 500)
    return { status, error: 'bad-request', message: error.message };
  return undefined;
}

/** Errors Node's HTTP parser raises before fastify sees a request: still JSON, still 4xx. */
export function writeClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    error:
      status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request',
    message: text,
    request_id: randomUUID(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
