import type { ToolId } from '../versions/tool-ids.js';

/** Why a proto command could not do its job. Each reason carries only its own fields. */
export type ProtoFailure =
  /** A tool it needs is missing or at the wrong version, and could not be installed. */
  | {
      readonly reason: 'proto-tool-unavailable';
      readonly tool: ToolId | 'protoc-gen-es';
      readonly detail: string;
      readonly remediation: string;
    }
  /** buf ran and rejected the input; `output` is buf's own text (positioned `file:line:col:`). */
  | {
      readonly reason: 'buf-rejected';
      readonly step: 'generate' | 'lint' | 'breaking';
      readonly output: string;
    }
  /** buf could not be run, or died without saying why. */
  | { readonly reason: 'buf-crashed'; readonly step: string; readonly detail: string }
  /** No .proto file under protos/. */
  | { readonly reason: 'no-protos'; readonly dir: string }
  /** Anything unforeseen while reading or writing files. */
  | { readonly reason: 'unexpected-error'; readonly detail: string };

/** The text a person reads for a failure (buf's own output is kept as it is). */
export function describeProtoFailure(failure: ProtoFailure): string {
  switch (failure.reason) {
    case 'proto-tool-unavailable':
      return `${failure.tool}: ${failure.detail}\n  → ${failure.remediation}`;
    case 'buf-rejected':
      return failure.output.trimEnd();
    case 'buf-crashed':
      return `buf ${failure.step} failed: ${failure.detail}`;
    case 'no-protos':
      return `no .proto files under ${failure.dir}`;
    case 'unexpected-error':
      return failure.detail;
  }
}
