import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { Dispatcher } from '../../protos/gen/ts/timecop/dispatcher/v1/dispatcher_pb.js';
import { grpcServiceDefinition } from '../../protos/ts/grpc-service.js';

type Unary = (
  request: unknown,
  metadata: Metadata,
  options: { deadline?: number },
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

/** A promise-returning client of timecop.dispatcher.v1.Dispatcher, from the same descriptors. */
export function dispatcherClient(address: string, token?: string) {
  const Client = makeGenericClientConstructor(grpcServiceDefinition(Dispatcher), 'Dispatcher');
  const client = new Client(address, credentials.createInsecure()) as unknown as Record<
    string,
    Unary
  > & {
    close(): void;
  };
  const call =
    <Res>(method: string) =>
    (request: unknown, timeoutMs = 10_000): Promise<Res> =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
        client[method]!.call(
          client,
          request,
          metadata,
          { deadline: Date.now() + timeoutMs },
          (error, response) => (error ? reject(error) : resolve(response as Res)),
        );
      });
  return { client, call };
}
