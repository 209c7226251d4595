import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { PROJECT_ROOT } from '../project-root.js';
import { TOOL_IDS } from './tool-ids.js';
import { satisfies } from './version-spec.js';
import { parseVersions } from './versions-file.js';

const realText = await readFile(join(PROJECT_ROOT, 'versions.yaml'), 'utf8');

function errorsOf(text: string): string[] {
  const parsed = parseVersions(text);
  if (parsed.ok) throw new Error('expected the file to be rejected');
  return parsed.error.map(formatDiagnostic);
}

describe('versions.yaml', () => {
  it('parses the project’s own file with every known tool', () => {
    const parsed = parseVersions(realText);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(Object.keys(parsed.value.tools).sort()).toEqual([...TOOL_IDS].sort());
  });

  it('agrees with the Node that package.json installs', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const parsed = parseVersions(realText);
    if (!parsed.ok) throw new Error('versions.yaml does not parse');
    expect(pkg.devDependencies['node']).toBe(parsed.value.node.text);
    expect(satisfies(process.versions.node, parsed.value.node)).toBe(true);
  });

  it('points a YAML syntax error at its line, once', () => {
    const broken = realText.replace('tools:\n', 'tools:\n  - [unclosed\n');
    expect(errorsOf(broken)).toEqual([
      expect.stringMatching(/^versions\.yaml:\d+:\d+: Flow sequence/),
    ]);
    const duplicated = realText.replace('tools:\n', 'tools:\n  buf: 1.0.0\n');
    const second =
      duplicated
        .split('\n')
        .lastIndexOf(duplicated.split('\n').find((l) => l.startsWith('  buf: 1.75')) ?? '') + 1;
    expect(errorsOf(duplicated)).toEqual([
      expect.stringMatching(new RegExp(`^versions\\.yaml:${second}:3: Map keys must be unique`)),
    ]);
  });

  it('points a bad version at its value', () => {
    const broken = realText.replace(/^( {2}kind: )\S+/m, '$1whatever');
    const line = broken.split('\n').findIndex((l) => l.startsWith('  kind: ')) + 1;
    expect(errorsOf(broken)).toEqual([
      expect.stringMatching(
        new RegExp(`^versions\\.yaml:${line}:9: "whatever" is not a version spec`),
      ),
    ]);
  });

  it('names a missing tool and an unknown one, with the keys it knows', () => {
    const missing = realText.replace(/^ {2}helm: .*\n/m, '');
    expect(errorsOf(missing).join('\n')).toContain('tools.helm is missing');
    const unknown = realText.replace('tools:\n', 'tools:\n  helmet: 1.0.0\n');
    const errors = errorsOf(unknown).join('\n');
    const line = unknown.split('\n').indexOf('  helmet: 1.0.0') + 1;
    expect(errors).toContain(`versions.yaml:${line}:3: unknown key "tools.helmet"`);
    expect(errors).toContain('expected one of: temporal,');
  });

  it('rejects a floating image tag', () => {
    const broken = realText.replace(/postgres:\d+[\d.]*/, 'postgres:latest');
    expect(errorsOf(broken).join('\n')).toContain('pin a real tag, not latest');
  });

  it('rejects a file that is not a mapping, and an empty one', () => {
    expect(errorsOf('- just\n- a list\n')[0]).toMatch(/^versions\.yaml:1:1: /);
    expect(errorsOf('')[0]).toMatch(/^versions\.yaml:/);
  });
});
