// The checks every profile applies. Check names are stable: they become the `check` tag of
// k6_checks_rate in Prometheus, which the k6 dashboard groups by.
import { check } from 'k6';

/**
 * `{Workflow}-{key}-{epochMs}`, or `{Workflow}-{key}-idem-{digest}` for a start with an
 * Idempotency-Key (dispatcher/src/ids.ts): the stable ID is what makes a retried POST safe.
 */
const WORKFLOW_ID = /^[A-Za-z]+-.+-(\d{13}|idem-[0-9a-f]{24})$/;

/** An HTTP start: 201 with `{workflow_id, run_id}`. Returns the workflow ID or undefined. */
export function checkHttpStarted(res, workflowType) {
  let body;
  try {
    body = res.json();
  } catch {
    body = undefined;
  }
  const ok = check(
    res,
    {
      'start: status 201': (r) => r.status === 201,
      'start: workflow_id has the {Workflow}-{key}-{epochMs} form': () =>
        body !== undefined && WORKFLOW_ID.test(String(body.workflow_id)),
      'start: run_id present': () => body !== undefined && String(body.run_id || '').length > 0,
    },
    { workflow_type: workflowType },
  );
  return ok ? body.workflow_id : undefined;
}

/** Bad input must be refused with 400 and field errors, never started. */
export function checkRejected(res) {
  return check(res, {
    'bad input: status 400': (r) => r.status === 400,
  });
}

/** The gRPC target accepted a connection. */
export function checkGrpcConnected(connected) {
  return check(null, { 'grpc: connected': () => connected });
}

/** A gRPC StartWorkflow: status OK and a workflow ID. */
export function checkGrpcStarted(response, StatusOK) {
  return check(response, {
    'grpc start: status OK': (r) => r && r.status === StatusOK,
    'grpc start: workflow_id has the {Workflow}-{key}-{epochMs} form': (r) =>
      r && r.message && WORKFLOW_ID.test(String(r.message.workflowId || r.message.workflow_id)),
  });
}
