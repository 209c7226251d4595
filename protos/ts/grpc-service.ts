import {
  fromBinary,
  toBinary,
  type DescMethod,
  type DescService,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/** The grpc-js method definitions of a protobuf-es service, typed by its generated descriptor. */
export type GrpcServiceDefinition<S extends DescService> = {
  readonly [K in keyof S['method']]: S['method'][K] extends DescMethod
    ? MethodDefinition<
        MessageShape<S['method'][K]['input']>,
        MessageShape<S['method'][K]['output']>
      >
    : never;
};

/**
 * A grpc-js service definition derived from the descriptor protoc-gen-es generated, instead of a
 * second generator: the messages on the wire are the same protobuf-es objects the rest of the
 * code uses. Use with `server.addService(def, impl)` and `makeGenericClientConstructor(def, …)`.
 */
export function grpcServiceDefinition<S extends DescService>(
  service: S,
): GrpcServiceDefinition<S> & ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.localName,
      requestStream:
        method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream:
        method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: (value) => Buffer.from(toBinary(method.input, value as never)),
      requestDeserialize: (bytes) => fromBinary(method.input, bytes),
      responseSerialize: (value) => Buffer.from(toBinary(method.output, value as never)),
      responseDeserialize: (bytes) => fromBinary(method.output, bytes),
    };
  }
  return definition as GrpcServiceDefinition<S> & ServiceDefinition;
}
