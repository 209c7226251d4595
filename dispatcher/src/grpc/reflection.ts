import { toBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';

/**
 * Server reflection (grpcurl, Postman) from the protobuf-es descriptors. @grpc/reflection reads
 * only `fileDescriptorProtos` from the proto-loader package definition it expects, so the
 * serialized FileDescriptorProtos of the served files and their imports are all it needs.
 */
export function addReflection(
  server: Server,
  files: readonly DescFile[],
  services: readonly string[],
): void {
  const all = new Map<string, DescFile>();
  const visit = (file: DescFile) => {
    if (all.has(file.name)) return;
    all.set(file.name, file);
    file.dependencies.forEach(visit);
  };
  files.forEach(visit);
  const fileDescriptorProtos = [...all.values()].map((f) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, f.proto)),
  );
  const pkg = Object.fromEntries(
    services.map((name) => [
      name,
      { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos },
    ]),
  );
  new ReflectionService(pkg as never, { services: [...services] }).addToServer(server);
}
