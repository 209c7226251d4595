/**
 * Host ports the default stack listens on. `required` ports belong to services that
 * `npm run dev` starts; the others to optional profiles (observability).
 */
export interface StackPort {
  readonly port: number;
  readonly service: string;
  readonly need: 'required' | 'optional';
}

export const DEFAULT_STACK_PORTS: readonly StackPort[] = [
  { port: 7233, service: 'temporal (gRPC)', need: 'required' },
  { port: 8233, service: 'temporal (web UI)', need: 'required' },
  { port: 5432, service: 'postgres', need: 'required' },
  { port: 7070, service: 'dispatcher (HTTP)', need: 'required' },
  { port: 7071, service: 'dispatcher (gRPC)', need: 'required' },
  { port: 9090, service: 'prometheus', need: 'optional' },
  { port: 3000, service: 'grafana', need: 'optional' },
  { port: 3100, service: 'loki', need: 'optional' },
];
