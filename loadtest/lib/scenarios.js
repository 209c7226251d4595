// What one iteration does, per protocol. The profiles (profiles.js) decide how many and how fast;
// every profile script re-exports these functions and its own `options`.
import exec from 'k6/execution';
import grpc from 'k6/net/grpc';
import http from 'k6/http';
import { BASE_URL, GRPC_TARGET, TOKEN } from './config.js';
import { sleep } from 'k6';
import { checkGrpcConnected, checkGrpcStarted, checkHttpStarted, checkRejected } from './checks.js';
import { businessKey, idempotencyKey } from './ids.js';

const HEADERS = Object.assign(
  { 'content-type': 'application/json' },
  TOKEN ? { authorization: `Bearer ${TOKEN}` } : {},
);

// The dispatcher's contract, read from protos/ (paths relative to this file). Loaded in the
// init context, as k6 requires.
const client = new grpc.Client();
client.load(['../../protos'], 'timecop/dispatcher/v1/dispatcher.proto');

/** The HTTP start routes and the workflow each starts (dispatcher/src/catalog.ts). */
const HTTP_ROUTES = [
  { path: '/typescript/demo', type: 'WorkflowDemoTypeScript', body: (key) => ({ name: key }) },
  { path: '/python/demo', type: 'WorkflowDemoPython', body: (key) => ({ name: key }) },
  { path: '/typescript/demo-mixed', type: 'WorkflowDemoMixed', body: (key) => ({ name: key }) },
];

/**
 * Fails the whole run within seconds when the dispatcher is not there, instead of letting every
 * VU collect connection errors until the profile's duration is over.
 */
export function setup() {
  const res = http.get(`${BASE_URL}/readyz`, { timeout: '3s', tags: { name: 'preflight' } });
  if (res.status !== 200) {
    const why = res.error
      ? res.error
      : `HTTP ${res.status} ${String(res.body || '').slice(0, 200)}`;
    exec.test.abort(`target not ready: GET ${BASE_URL}/readyz → ${why}`);
  }
  return {};
}

/** One HTTP start per iteration over the routes in turn; every 10th iteration sends bad input. */
export function httpStarts() {
  const iteration = exec.vu.iterationInScenario;
  if (iteration % 10 === 9) {
    const res = http.post(`${BASE_URL}/typescript/demo`, JSON.stringify({ nmae: 'typo' }), {
      headers: HEADERS,
      tags: { name: 'POST /typescript/demo (bad input)' },
      responseCallback: http.expectedStatuses(400),
    });
    checkRejected(res);
    return;
  }
  const route = HTTP_ROUTES[iteration % HTTP_ROUTES.length];
  const res = http.post(`${BASE_URL}${route.path}`, JSON.stringify(route.body(businessKey())), {
    headers: Object.assign({ 'idempotency-key': idempotencyKey() }, HEADERS),
    tags: { name: `POST ${route.path}`, workflow_type: route.type },
    responseCallback: http.expectedStatuses(201),
  });
  checkHttpStarted(res, route.type);
}

/** This VU's gRPC connection is open (connected on its first iteration, retried once a second). */
let connected = false;

/** One gRPC StartWorkflow per iteration, on one connection per VU. */
export function grpcStarts() {
  if (!connected) {
    try {
      client.connect(GRPC_TARGET, { plaintext: true, timeout: '3s' });
      connected = true;
    } catch (error) {
      // Unreachable: one failed check and one log line per VU a second, not a tight loop of
      // "no gRPC connection" errors that floods the log and skews the rate.
      checkGrpcConnected(false);
      sleep(1);
      throw error;
    }
  }
  const response = client.invoke(
    'timecop.dispatcher.v1.Dispatcher/StartWorkflow',
    { key: businessKey(), demo_typescript: { name: businessKey() } },
    { metadata: TOKEN ? { authorization: `Bearer ${TOKEN}` } : {}, timeout: '10s' },
  );
  checkGrpcStarted(response, grpc.StatusOK);
}
