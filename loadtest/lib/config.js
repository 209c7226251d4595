// Where the load goes and how it is tagged. Everything comes from `k6 run -e NAME=value` (which
// `devenv load` sets); the defaults are the native stack's loopback addresses.

/** The dispatcher's HTTP base URL. */
export const BASE_URL = (__ENV.TARGET || 'http://127.0.0.1:7070').replace(/\/+$/, '');
/** The dispatcher's gRPC address (host:port, plaintext). */
export const GRPC_TARGET = __ENV.GRPC_TARGET || '127.0.0.1:7071';
/** Optional bearer token, when the dispatcher runs with DISPATCHER_TOKEN. */
export const TOKEN = __ENV.DISPATCHER_TOKEN || '';
/** Which profile is running (each profile script sets it; used in IDs). */
export const PROFILE = __ENV.PROFILE || 'adhoc';
