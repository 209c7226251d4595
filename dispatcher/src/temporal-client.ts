import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import {
  DefaultFailureConverter,
  type DataConverter,
  type LoadedDataConverter,
} from '@temporalio/common';
import { payloadConverter } from '../../protos/ts/payload-converter.js';
import { messageOf } from '../../devenv/shared/result.js';

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
}

/** The one Temporal client of a dispatcher process, shared by the HTTP and gRPC servers. */
export interface TemporalHandle {
  readonly client: Client;
  readonly namespace: string;
  /** Readiness: the frontend answers and the namespace exists. Never throws. */
  checkReady(timeoutMs: number): Promise<{ ready: true } | { ready: false; detail: string }>;
  close(): Promise<void>;
}

/**
 * The protobuf payload converter, already loaded. `payloadConverterPath` would make the SDK
 * `require()` protos/ts/payload-converter.ts at run time, which works only under a TS loader that
 * hooks CommonJS (tsx), not under vitest or plain Node type stripping (its `.js` imports name `.ts`
 * files). The client accepts a loaded converter (base-client.js: `isLoadedDataConverter`); its
 * public type just doesn't say so. Workers and dispatcher still use the same converter module.
 */
const dataConverter: LoadedDataConverter = {
  payloadConverter,
  failureConverter: new DefaultFailureConverter(),
  payloadCodecs: [],
};

/**
 * Creates the client without waiting for the server: the dispatcher starts (and answers /healthz,
 * and 503 on the API) while Temporal is still coming up or restarting, rather than crash-looping.
 */
export function createTemporalHandle(target: TemporalTarget): TemporalHandle {
  const connection = Connection.lazy({
    address: target.address,
    // Reconnect quickly after Temporal comes back: grpc-js's default backoff grows to 120 s, which
    // would keep answering 503 long after the server is up again.
    channelArgs: {
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
    },
    // Fewer, shorter retries than the SDK default (10 attempts, up to 5 s apart): while Temporal is
    // down a caller should get a prompt 503 with Retry-After, not a request that hangs for ~30 s.
    // Retrying a start is safe: the SDK keeps one request ID across attempts and the server
    // deduplicates by it.
    interceptors: [
      makeGrpcRetryInterceptor(
        defaultGrpcRetryOptions({
          maxAttempts: 3,
          initialIntervalMs: () => 50,
          maxIntervalMs: () => 500,
        }),
      ),
    ],
  });
  const client = new Client({
    connection,
    namespace: target.namespace,
    dataConverter: dataConverter as DataConverter,
  });
  return {
    client,
    namespace: target.namespace,
    async checkReady(timeoutMs) {
      try {
        await connection.withDeadline(Date.now() + timeoutMs, () =>
          connection.workflowService.describeNamespace({ namespace: target.namespace }),
        );
        return { ready: true };
      } catch (thrown) {
        if (isGrpcServiceError(thrown) && thrown.code === GrpcStatus.NOT_FOUND) {
          return { ready: false, detail: `namespace ${target.namespace} does not exist` };
        }
        return { ready: false, detail: `Temporal at ${target.address}: ${messageOf(thrown)}` };
      }
    },
    close: () => connection.close(),
  };
}
