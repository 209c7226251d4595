// Where the load goes and how it is tagged. Everything comes from `k6 run -e NAME=value` (which
// `devenv load` sets); the defaults are the native stack's loopback addresses.

/** The dispatcher's HTTP base URL. */
export const BASE_URL = (__ENV.TARGET || 'http://127.0.0.1:7070').replace(/\/+$/, '');
/** The dispatcher's gRPC address (host:port, plaintext). */
export const GRPC_TARGET = __ENV.GRPC_TARGET || '127.0.0.1:7071';
/**
 * The bearer token: DISPATCHER_TOKEN when the dispatcher runs with one, else the session token of
 * the devenv that started it (`devenv load` passes DEVENV_SESSION_TOKEN in k6's environment, not
 * on its command line, where every local user could read it).
 */
export const TOKEN = __ENV.DISPATCHER_TOKEN || __ENV.DEVENV_SESSION_TOKEN || '';
/** Which profile is running (each profile script sets it; used in IDs). */
export const PROFILE = __ENV.PROFILE || 'adhoc';
