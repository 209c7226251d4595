import type { ProbeCheck } from '../model/stack.js';
import { probeExec } from './exec-probe.js';
import { probeGrpcHealth } from './grpc-health-probe.js';
import { probeHttp } from './http-probe.js';
import { probePostgres } from './postgres-probe.js';
import type { ProbeOutcome } from './probe-outcome.js';
import { probeTcp } from './tcp-probe.js';
import { probeTemporal } from './temporal-probe.js';

/** Runs one check of any kind; never rejects. */
export type Prober = (check: ProbeCheck, timeoutMs: number, cwd: string) => Promise<ProbeOutcome>;

export const runProbe: Prober = (check, timeoutMs, cwd) => {
  switch (check.kind) {
    case 'tcp':
      return probeTcp(check.host, check.port, timeoutMs);
    case 'http':
      return probeHttp(check.url, check.expectStatus, timeoutMs);
    case 'exec':
      return probeExec(check.command, cwd, timeoutMs);
    case 'grpc':
      return probeGrpcHealth(check.address, check.service, timeoutMs);
    case 'temporal':
      return probeTemporal(check.address, check.namespace, timeoutMs);
    case 'postgres':
      return probePostgres(check.url, timeoutMs);
  }
};
