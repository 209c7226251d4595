import { Server } from '@grpc/grpc-js';
import {
  Dispatcher as DispatcherService,
  file_timecop_dispatcher_v1_dispatcher,
  type CancelWorkflowRequest,
  type CancelWorkflowResponse,
  type DescribeWorkflowRequest,
  type DescribeWorkflowResponse,
  type GetWorkflowResultRequest,
  type GetWorkflowResultResponse,
  type StartWorkflowRequest,
  type StartWorkflowResponse,
} from '../../../protos/gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { file_grpc_health_v1_health } from '../../../protos/gen/ts/grpc/health/v1/health_pb.js';
import { grpcServiceDefinition } from '../../../protos/ts/grpc-service.js';
import type { ServerContext } from '../http/context.js';
import { DISPATCHER_SERVICE, HealthService } from './health.js';
import { cancelWorkflow, describeWorkflow, getWorkflowResult, startWorkflow } from './methods.js';
import { addReflection } from './reflection.js';
import { lenientDefinition, unaryWrapper } from './unary.js';

/**
 * The gRPC front door: `timecop.dispatcher.v1.Dispatcher` on the same Dispatcher (and so the same
 * Temporal client) as the HTTP routes, plus `grpc.health.v1` and server reflection.
 */
export function buildGrpcServer(ctx: ServerContext): { server: Server; health: HealthService } {
  // The HTTP API's limits: a message as large as a body may be, and the same rate per client.
  const server = new Server({ 'grpc.max_receive_message_length': ctx.config.bodyLimitBytes });
  const health = new HealthService(async () => (await ctx.readiness()).ready);
  const unary = unaryWrapper(ctx);

  server.addService(lenientDefinition(grpcServiceDefinition(DispatcherService)), {
    startWorkflow: unary<StartWorkflowRequest, StartWorkflowResponse>(
      'StartWorkflow',
      (req, correlationId) => startWorkflow(ctx, req, correlationId),
      { mutating: true },
    ),
    describeWorkflow: unary<DescribeWorkflowRequest, DescribeWorkflowResponse>(
      'DescribeWorkflow',
      (req, correlationId) => describeWorkflow(ctx, req, correlationId),
      { mutating: false },
    ),
    getWorkflowResult: unary<GetWorkflowResultRequest, GetWorkflowResultResponse>(
      'GetWorkflowResult',
      (req, correlationId) => getWorkflowResult(ctx, req, correlationId),
      { mutating: false },
    ),
    cancelWorkflow: unary<CancelWorkflowRequest, CancelWorkflowResponse>(
      'CancelWorkflow',
      (req, correlationId) => cancelWorkflow(ctx, req, correlationId),
      { mutating: true },
    ),
  });

  health.addTo(server);
  // Reflection tells anyone who asks the whole API: a development aid, off in production.
  if (ctx.config.grpcReflection) {
    addReflection(
      server,
      [file_timecop_dispatcher_v1_dispatcher, file_grpc_health_v1_health],
      [DISPATCHER_SERVICE, 'grpc.health.v1.Health'],
    );
  }
  return { server, health };
}
