import { equals, fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import type { Payload } from '@temporalio/common';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { runCommand } from '../../devenv/src/process/run-command.js';
import { ensurePythonEnv, type PythonEnv } from '../../devenv/src/toolchain/python-env.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { useTempDirs } from '../../devenv/test/temp-dir.js';
import { createPayloadConverter, ProtobufJsonPayloadConverter } from './payload-converter.js';
import { CONTRACT_FILES, contractsRegistry } from './registry.js';

interface Vector {
  readonly messageType: string;
  readonly json: JsonValue;
  readonly binary: string;
}
interface WirePayload {
  readonly metadata: Record<string, string>;
  readonly data: string;
}

const versions = await loadProjectVersions();
const vectors = (
  JSON.parse(await readFile(join(PROJECT_ROOT, 'protos/testdata/vectors.json'), 'utf8')) as {
    vectors: Vector[];
  }
).vectors;
const converter = createPayloadConverter();
const makeTempDir = useTempDirs();

function messageOf(vector: Vector) {
  const schema = contractsRegistry.getMessage(vector.messageType);
  if (!schema) throw new Error(`no generated message ${vector.messageType}`);
  return { schema, message: fromJson(schema, vector.json, { registry: contractsRegistry }) };
}

const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromWire = (w: WirePayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(w.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(w.data, 'base64')),
});
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('shared test vectors', () => {
  it('cover every message of every generated file, and every generated file is registered', async () => {
    const generated = (await readdir(join(PROJECT_ROOT, 'protos/gen/ts'), { recursive: true }))
      .filter((f) => f.endsWith('_pb.ts'))
      .map((f) => f.replace(/_pb\.ts$/, '.proto'))
      .sort();
    expect(CONTRACT_FILES.map((f) => `${f.name}.proto`).sort()).toEqual(generated);
    const messages = CONTRACT_FILES.flatMap((f) => f.messages.map((m) => m.typeName)).sort();
    expect([...new Set(vectors.map((v) => v.messageType))].sort()).toEqual(messages);
  });

  it('are what the TypeScript converter writes: binary/protobuf with the full message name', () => {
    for (const vector of vectors) {
      const { message } = messageOf(vector);
      const payload = converter.toPayload(message);
      expect(text(payload.metadata?.['encoding'])).toBe('binary/protobuf');
      expect(text(payload.metadata?.['messageType'])).toBe(vector.messageType);
      expect(Buffer.from(payload.data ?? []).toString('base64')).toBe(vector.binary);
    }
  });
});

// Real processes: the venv's Python with the pinned protobuf runtime and temporalio's converter.
describe('TypeScript ⇄ Python round trip', () => {
  let python: PythonEnv;
  beforeAll(async () => {
    const env = await ensurePythonEnv({
      projectRoot: PROJECT_ROOT,
      versions,
      toolchain: createToolchain({ projectRoot: PROJECT_ROOT, versions }),
      name: 'contracts',
      libraries: ['protobuf-python', 'temporalio-python'],
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (!env.ok) throw new Error(JSON.stringify(env.error));
    python = env.value;
  }, 600_000);

  it('every message encoded by TypeScript decodes in Python, and every Python encoding decodes in TypeScript', async () => {
    const dir = await makeTempDir();
    const sent = join(dir, 'from-ts.json');
    await writeFile(
      sent,
      JSON.stringify(vectors.map((v) => toWire(converter.toPayload(messageOf(v).message)))),
    );
    const outcome = await runCommand(
      python.python,
      [
        join(PROJECT_ROOT, 'protos/testdata/roundtrip.py'),
        join(PROJECT_ROOT, 'protos/gen/python'),
        join(PROJECT_ROOT, 'protos/testdata/vectors.json'),
        sent,
        join(dir, 'report.json'),
      ],
      { timeoutMs: 60_000 },
    );
    expect(outcome.code, outcome.tail).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      protobuf: string;
      problems: string[];
      payloads: { binary: WirePayload; json: WirePayload }[];
    };
    expect(report.problems).toEqual([]);
    expect(report.protobuf).toBe(versions.libraries['protobuf-python']);
    expect(report.payloads).toHaveLength(vectors.length);

    const jsonConverter = new ProtobufJsonPayloadConverter(contractsRegistry);
    vectors.forEach((vector, i) => {
      const { schema, message } = messageOf(vector);
      const back = report.payloads[i]!;
      const binary = fromWire(back.binary);
      expect(text(binary.metadata?.['encoding'])).toBe('binary/protobuf');
      expect(text(binary.metadata?.['messageType'])).toBe(vector.messageType);
      expect(equals(schema, converter.fromPayload(binary), message)).toBe(true);
      // The Python SDK's default for messages is json/protobuf: TypeScript reads it, and writes
      // the very same bytes when asked for that encoding.
      const json = fromWire(back.json);
      expect(text(json.metadata?.['encoding'])).toBe('json/protobuf');
      expect(equals(schema, converter.fromPayload(json), message)).toBe(true);
      expect(text(jsonConverter.toPayload(message)?.data)).toBe(text(json.data));
      expect(Buffer.from(toBinary(schema, message)).toString('base64')).toBe(vector.binary);
    });
  }, 120_000);
});
