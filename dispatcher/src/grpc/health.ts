import { create } from '@bufbuild/protobuf';
import {
  status as GrpcStatus,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from '../../../protos/gen/ts/grpc/health/v1/health_pb.js';
import { grpcServiceDefinition } from '../../../protos/ts/grpc-service.js';

/** The services the health protocol knows; "" is the server as a whole. */
export const DISPATCHER_SERVICE = 'timecop.dispatcher.v1.Dispatcher';

/**
 * `grpc.health.v1.Health`: "" is SERVING while the process accepts calls; the Dispatcher service
 * is SERVING when Temporal is reachable (the same check as /readyz), re-checked on each Check and
 * every `pollMs` for Watch streams. On shutdown everything turns NOT_SERVING and watches end.
 */
export class HealthService {
  /** Each open Watch stream and how to send it its current status (only when it changed). */
  readonly #watchers = new Map<
    ServerWritableStream<HealthCheckRequest, HealthCheckResponse>,
    () => Promise<void>
  >();
  #shuttingDown = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly isTemporalReady: () => Promise<boolean>,
    private readonly pollMs = 5_000,
  ) {}

  async status(service: string): Promise<ServingStatus | undefined> {
    if (service !== '' && service !== DISPATCHER_SERVICE) return undefined;
    if (this.#shuttingDown) return ServingStatus.NOT_SERVING;
    if (service === '') return ServingStatus.SERVING;
    return (await this.isTemporalReady()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  addTo(server: Server): void {
    server.addService(grpcServiceDefinition(Health), {
      check: (
        call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>,
        callback: sendUnaryData<HealthCheckResponse>,
      ) => {
        void this.status(call.request.service).then((s) =>
          s === undefined
            ? callback({
                code: GrpcStatus.NOT_FOUND,
                details: `unknown service ${call.request.service}`,
              })
            : callback(null, create(HealthCheckResponseSchema, { status: s })),
        );
      },
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        // The protocol: unknown services are watched as SERVICE_UNKNOWN, not refused.
        let last: ServingStatus | undefined;
        const send = async () => {
          const s = (await this.status(call.request.service)) ?? ServingStatus.SERVICE_UNKNOWN;
          if (s !== last && !call.cancelled) {
            last = s;
            call.write(create(HealthCheckResponseSchema, { status: s }));
          }
        };
        this.#watchers.set(call, send);
        call.on('cancelled', () => this.#watchers.delete(call));
        void send();
        this.#timer ??= setInterval(() => {
          for (const poll of this.#watchers.values()) void poll();
        }, this.pollMs).unref();
      },
    });
  }

  /** NOT_SERVING to every watcher, then end their streams so shutdown is not held up by them. */
  shutdown(): void {
    this.#shuttingDown = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const w of this.#watchers.keys()) {
      w.write(create(HealthCheckResponseSchema, { status: ServingStatus.NOT_SERVING }));
      w.end();
    }
    this.#watchers.clear();
  }
}
