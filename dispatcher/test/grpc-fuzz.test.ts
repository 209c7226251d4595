import { create, toBinary } from '@bufbuild/protobuf';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  status as GrpcStatus,
  type Client as GrpcClient,
  type ServiceError,
} from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelWorkflowRequestSchema,
  DescribeWorkflowRequestSchema,
  GetWorkflowResultRequestSchema,
  StartWorkflowRequestSchema,
} from '../../protos/gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { startDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * The gRPC twin of fuzz.test.ts. Property: every malformed call gets a clean gRPC status (a code a
 * client can act on, details for humans, no stack trace), never INTERNAL, UNKNOWN or a dropped
 * connection; the process stays up and logs no error. Bytes go on the wire as generated, through a
 * client with identity serializers, so undecodable and oversized messages reach the server too.
 */
let temporal: DevServer;
let dispatcher: DispatcherProcess;
let client: GrpcClient;

beforeAll(async () => {
  temporal = await startDevServer();
  dispatcher = await startDispatcherProcess({
    TEMPORAL_HOST: temporal.address,
    DISPATCHER_MAX_RESULT_WAIT_MS: '500',
  });
  const Raw = makeGenericClientConstructor({}, 'Raw');
  client = new Raw(dispatcher.grpcAddress, credentials.createInsecure());
}, 90_000);

afterAll(async () => {
  client?.close();
  await dispatcher?.stop();
  await temporal?.stop();
});

const SERVICE = '/timecop.dispatcher.v1.Dispatcher';
const METHODS = ['StartWorkflow', 'DescribeWorkflow', 'GetWorkflowResult', 'CancelWorkflow'];

interface FuzzCall {
  readonly kind: string;
  readonly path: string;
  readonly bytes: Buffer;
}

/** One unary call with raw bytes; resolves with the status (OK is 0) and details. */
function call(request: FuzzCall): Promise<{ code: number; details: string }> {
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      request.path,
      identity,
      identity,
      request.bytes,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (error: ServiceError | null) =>
        resolve(error ? { code: error.code, details: error.details } : { code: 0, details: '' }),
    );
  });
}

const bin = (bytes: Uint8Array) => Buffer.from(bytes);
const method = fc.constantFrom(...METHODS);

/** Anything at all, as a message of any method. */
const randomBytes = fc
  .tuple(method, fc.uint8Array({ maxLength: 2_000 }))
  .map(([m, bytes]): FuzzCall => ({
    kind: 'random-bytes',
    path: `${SERVICE}/${m}`,
    bytes: bin(bytes),
  }));

/** A message cut short: a length-delimited field that claims more bytes than follow. */
const truncated = fc
  .tuple(method, fc.string({ minLength: 2, maxLength: 200 }), fc.integer({ min: 1, max: 50 }))
  .map(([m, id, cut]): FuzzCall => {
    const whole = toBinary(
      DescribeWorkflowRequestSchema,
      create(DescribeWorkflowRequestSchema, { workflowId: id }),
    );
    return {
      kind: 'truncated',
      path: `${SERVICE}/${m}`,
      bytes: bin(whole.slice(0, Math.max(1, whole.length - cut))),
    };
  });

/** Bigger than the 64 KiB body limit HTTP has (grpc-js alone would take 4 MiB). */
const oversized = fc
  .tuple(method, fc.integer({ min: 65 * 1024, max: 300 * 1024 }))
  .map(([m, size]): FuzzCall => ({
    kind: 'oversized',
    path: `${SERVICE}/${m}`,
    bytes: bin(
      toBinary(
        DescribeWorkflowRequestSchema,
        create(DescribeWorkflowRequestSchema, { workflowId: 'x'.repeat(size) }),
      ),
    ),
  }));

/** Well-formed protobuf, values the API refuses: empty or over-long keys and IDs, bad run IDs. */
const badFields = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'k'.repeat(1_025)),
      fc.constantFrom('', 'has space', 'é', 'x'.repeat(256)),
      fc.string({ maxLength: 30 }),
    )
    .map(([key, idempotencyKey, name]): FuzzCall => ({
      kind: 'bad-start',
      path: `${SERVICE}/StartWorkflow`,
      bytes: bin(
        toBinary(
          StartWorkflowRequestSchema,
          create(StartWorkflowRequestSchema, {
            key,
            idempotencyKey,
            ...(name === ''
              ? {}
              : { input: { case: 'demoTypescript', value: { name: name.slice(0, 5) } } }),
          }),
        ),
      ),
    })),
  fc
    .tuple(
      fc.constantFrom(DescribeWorkflowRequestSchema, GetWorkflowResultRequestSchema),
      fc.oneof(fc.constant(''), fc.string({ minLength: 1001, maxLength: 1_200 })),
      fc.string({ maxLength: 40 }).filter((r) => r !== ''),
    )
    .map(([schema, workflowId, runId]): FuzzCall => ({
      kind: 'bad-ref',
      path: `${SERVICE}/${schema === DescribeWorkflowRequestSchema ? 'DescribeWorkflow' : 'GetWorkflowResult'}`,
      bytes: bin(toBinary(schema, create(schema, { workflowId, runId }) as never)),
    })),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 50 }), fc.integer({ min: 1_025, max: 5_000 }))
    .map(([workflowId, reasonLength]): FuzzCall => ({
      kind: 'bad-cancel',
      path: `${SERVICE}/CancelWorkflow`,
      bytes: bin(
        toBinary(
          CancelWorkflowRequestSchema,
          create(CancelWorkflowRequestSchema, { workflowId, reason: 'r'.repeat(reasonLength) }),
        ),
      ),
    })),
);

/** Workflows that do not exist, asked about properly: Temporal's NOT_FOUND, passed on. */
const unknownWorkflow = fc
  .tuple(
    fc.constantFrom(
      DescribeWorkflowRequestSchema,
      GetWorkflowResultRequestSchema,
      CancelWorkflowRequestSchema,
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
  )
  .map(([schema, workflowId]): FuzzCall => ({
    kind: 'unknown-workflow',
    path: `${SERVICE}/${schema === DescribeWorkflowRequestSchema ? 'DescribeWorkflow' : schema === CancelWorkflowRequestSchema ? 'CancelWorkflow' : 'GetWorkflowResult'}`,
    bytes: bin(toBinary(schema, create(schema, { workflowId: `fuzz-${workflowId}` }) as never)),
  }));

const unknownMethod = fc
  .tuple(
    fc.constantFrom(SERVICE, '/timecop.dispatcher.v1.Nope', '/grpc.health.v1.Health'),
    fc
      .stringMatching(/^[A-Za-z]{1,30}$/)
      .filter((m) => !METHODS.includes(m) && m !== 'Check' && m !== 'Watch'),
    fc.uint8Array({ maxLength: 100 }),
  )
  .map(([service, m, bytes]): FuzzCall => ({
    kind: 'unknown-method',
    path: `${service}/${m}`,
    bytes: bin(bytes),
  }));

const anyBadCall = fc.oneof(
  { arbitrary: randomBytes, weight: 4 },
  { arbitrary: truncated, weight: 2 },
  { arbitrary: oversized, weight: 1 },
  { arbitrary: badFields, weight: 3 },
  { arbitrary: unknownWorkflow, weight: 2 },
  { arbitrary: unknownMethod, weight: 1 },
);

/** What a client can act on; INTERNAL, UNKNOWN and UNAVAILABLE (the server fell over) are not. */
const CLEAN = new Set<number>([
  GrpcStatus.OK, // random bytes that happen to be a valid request
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.ALREADY_EXISTS,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.UNIMPLEMENTED,
]);

describe('malformed gRPC calls (property-based)', () => {
  it('2,000 generated bad calls: all clean gRPC statuses, the process stays up', async () => {
    const byKind = new Map<string, number>();
    const codes = new Map<string, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(anyBadCall, async (request) => {
        const answer = await call(request);
        sent++;
        byKind.set(request.kind, (byKind.get(request.kind) ?? 0) + 1);
        const name = GrpcStatus[answer.code] ?? String(answer.code);
        codes.set(name, (codes.get(name) ?? 0) + 1);
        const what = `${request.kind} ${request.path} (${request.bytes.length} bytes): ${name} ${answer.details}`;
        expect(CLEAN.has(answer.code), what).toBe(true);
        if (request.kind === 'oversized')
          expect(answer.code, what).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
        if (request.kind.startsWith('bad-') || request.kind === 'truncated')
          expect(answer.code, what).toBe(GrpcStatus.INVALID_ARGUMENT);
        if (answer.code !== GrpcStatus.OK) expect(answer.details, what).not.toBe('');
        expect(answer.details, what).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 2_000, seed: Number(process.env['FUZZ_SEED'] ?? 20_261_204), endOnFailure: true },
    );
    expect(sent).toBe(2_000);
    expect([...byKind.keys()].sort()).toEqual(
      [
        'bad-cancel',
        'bad-ref',
        'bad-start',
        'oversized',
        'random-bytes',
        'truncated',
        'unknown-method',
        'unknown-workflow',
      ].sort(),
    );
    process.stderr.write(`grpc fuzz: ${JSON.stringify(Object.fromEntries(codes))}\n`);
    expect(dispatcher.child.exitCode).toBeNull();
    expect((await fetch(`${dispatcher.httpUrl}/healthz`)).status).toBe(200);
    expect(dispatcher.logs.filter((l) => l['level'] === 50 || l['level'] === 60)).toEqual([]);
  }, 300_000);
});
