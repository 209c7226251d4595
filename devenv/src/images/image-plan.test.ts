import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { formatDiagnostic } from '../diagnostic.js';
import { loadStack } from '../model/load-stack.js';
import { PROJECT_ROOT } from '../project-root.js';
import { buildPlan } from '../runtime/docker-build.js';
import type { Versions } from '../versions/versions-file.js';
import {
  APP_SERVICES,
  appBuildEnv,
  aptMirror,
  baseImages,
  BUILD_ARG_NAMES,
  bundledNpmVersion,
  chooseBases,
  dockerfileArgDefaults,
  planBootstrap,
  type BaseImages,
} from './image-plan.js';

const DOCKERFILES: Record<(typeof APP_SERVICES)[number], string> = {
  'worker-typescript': 'workers/typescript/Dockerfile',
  'worker-python': 'workers/python/Dockerfile',
  dispatcher: 'dispatcher/Dockerfile',
};

const BASES: BaseImages = {
  debian: 'time-cop/base-debian:bookworm',
  node: 'time-cop/base-node:24.21.0',
  python: 'time-cop/base-python:3.11',
  temporalCli: 'time-cop/temporal-cli:1.9.1',
  suite: 'bookworm',
};

function withImages(versions: Versions, images: Record<string, string>): Versions {
  return { ...versions, images: { ...versions.images, ...images } };
}

describe('baseImages (versions.yaml images:)', () => {
  it('reads the project’s local base images, in step with the versions they repeat', async () => {
    const versions = await loadProjectVersions();
    const bases = baseImages(versions);
    expect(bases).toEqual({ ok: true, value: expect.objectContaining({ suite: 'bookworm' }) });
    if (!bases.ok) return;
    expect(bases.value.node.endsWith(`:${versions.node.text}`)).toBe(true);
    expect(bases.value.temporalCli.endsWith(`:${versions.tools.temporal.text}`)).toBe(true);
  });

  it('names every repeated version that is out of step', async () => {
    const versions = await loadProjectVersions();
    const drifted = baseImages(
      withImages(versions, {
        'base-node': 'time-cop/base-node:22.0.0',
        'temporal-cli': 'time-cop/temporal-cli:0.1.0',
        'base-python': 'time-cop/base-python:3.12',
        'base-debian': 'time-cop/base-debian:trixie',
      }),
    );
    expect(drifted.ok).toBe(false);
    if (drifted.ok) return;
    expect(drifted.error).toContain('images.base-node should be tagged 24.21.0');
    expect(drifted.error).toContain('images.temporal-cli should be tagged');
    expect(drifted.error).toContain('images.base-python should be tagged 3.11');
    expect(drifted.error).toContain('is not built on Debian trixie');
  });

  it('says which keys are missing', async () => {
    const versions = await loadProjectVersions();
    const images = { ...versions.images };
    delete images['base-python'];
    const result = baseImages({ ...versions, images });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('no base-python') });
  });
});

describe('planBootstrap', () => {
  it('builds only what is missing, and what is built on something rebuilt', () => {
    const all = new Set([BASES.debian, BASES.node, BASES.python, BASES.temporalCli]);
    expect(planBootstrap(BASES, all, false).map((s) => s.action)).toEqual([
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
    expect(planBootstrap(BASES, all, true).map((s) => s.action)).toEqual([
      'build',
      'build',
      'build',
      'build',
    ]);
    const noPython = new Set([BASES.debian, BASES.node, BASES.temporalCli]);
    expect(planBootstrap(BASES, noPython, false).map((s) => `${s.kind}:${s.action}`)).toEqual([
      'debian:skip',
      'node:skip',
      'python:build',
      'temporalCli:build',
    ]);
    const noDebian = new Set([BASES.node, BASES.python, BASES.temporalCli]);
    expect(planBootstrap(BASES, noDebian, false).every((s) => s.action === 'build')).toBe(true);
  });
});

describe('bundledNpmVersion', () => {
  const changelog = [
    '<a id="24.21.0"></a>',
    '## 2026-10-01, Version 24.21.0',
    '* deps: update undici',
    '<a id="24.20.0"></a>',
    '* **deps**: upgrade npm to 11.19.0 (npm team)',
    '<a id="24.19.0"></a>',
    '* **deps**: upgrade npm to 11.18.0 (npm team)',
  ].join('\n');

  it('takes the newest npm upgrade at or below the release', () => {
    expect(bundledNpmVersion(changelog, '24.21.0')).toBe('11.19.0');
    expect(bundledNpmVersion(changelog, '24.19.0')).toBe('11.18.0');
  });

  it('is undefined for a release the changelog does not have', () => {
    expect(bundledNpmVersion(changelog, '24.2.0')).toBeUndefined();
    expect(bundledNpmVersion(changelog, '24.21')).toBeUndefined();
  });
});

describe('aptMirror', () => {
  it('reads deb822 .sources stanzas for the suite and main', () => {
    const text = [
      'Types: deb',
      'URIs: http://deb.debian.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      '',
      'Types: deb deb-src',
      'URIs: http://mirror.example/debian/',
      'Suites: bookworm bookworm-updates',
      'Components: main contrib',
    ].join('\n');
    expect(aptMirror([{ path: '/etc/apt/sources.list.d/debian.sources', text }], 'bookworm')).toBe(
      'http://mirror.example/debian',
    );
  });

  it('reads one-line sources, options included, and skips other suites and non-Debian repos', () => {
    const files = [
      {
        path: '/etc/apt/sources.list',
        text: '# comment\ndeb https://packages.example/apt cloud-sdk main\n',
      },
      {
        path: '/etc/apt/sources.list.d/x.list',
        text: 'deb [arch=amd64 signed-by=/k.gpg] http://ftp.example/debian bookworm main non-free\n',
      },
    ];
    expect(aptMirror(files, 'bookworm')).toBe('http://ftp.example/debian');
    expect(aptMirror(files, 'trixie')).toBeUndefined();
  });
});

describe('choosing base images and build args', () => {
  const official = { node: 'node:24.21.0-bookworm-slim', python: 'python:3.11-slim-bookworm' };

  it('prefers the official bases when present, then the local ones, else says what to run', () => {
    const both = new Set([official.node, official.python, BASES.node, BASES.python]);
    expect(chooseBases(official, BASES, both, false)).toEqual({ ok: true, value: 'official' });
    expect(chooseBases(official, BASES, both, true)).toEqual({ ok: true, value: 'local' });
    expect(chooseBases(official, BASES, new Set([BASES.node, BASES.python]), false)).toEqual({
      ok: true,
      value: 'local',
    });
    const none = chooseBases(official, BASES, new Set([official.node, BASES.python]), false);
    expect(none).toEqual({
      ok: false,
      error: expect.stringContaining('npx devenv images bootstrap'),
    });
  });

  it('lets the environment win over the chosen bases and the checkout identity', () => {
    const inputs = {
      version: '0.1.0',
      gitSha: 'abc',
      bases: 'local' as const,
      official,
      local: BASES,
    };
    expect(appBuildEnv({ ...inputs, env: {} })).toEqual({
      NODE_IMAGE: BASES.node,
      PYTHON_IMAGE: BASES.python,
      VERSION: '0.1.0',
      GIT_SHA: 'abc',
    });
    expect(appBuildEnv({ ...inputs, env: { NODE_IMAGE: 'mine:1', GIT_SHA: '' } })).toMatchObject({
      NODE_IMAGE: 'mine:1',
      GIT_SHA: 'abc',
    });
  });
});

describe('the Dockerfiles and compose/compose.yaml', () => {
  it('default to the official images of versions.yaml', async () => {
    const versions = await loadProjectVersions();
    for (const [service, path] of Object.entries(DOCKERFILES)) {
      const defaults = dockerfileArgDefaults(await readFile(join(PROJECT_ROOT, path), 'utf8'));
      expect(defaults['NODE_IMAGE'], `${path} NODE_IMAGE`).toBe(versions.images['node']);
      if (service === 'worker-python')
        expect(defaults['PYTHON_IMAGE'], `${path} PYTHON_IMAGE`).toBe(versions.images['python']);
    }
  });

  it('share one proto-generation stage, byte for byte, so the layer cache builds it once', async () => {
    const stages = await Promise.all(
      Object.values(DOCKERFILES).map(async (path) => {
        const text = await readFile(join(PROJECT_ROOT, path), 'utf8');
        const start = text.indexOf('FROM ${NODE_IMAGE} AS protos');
        return text.slice(start, text.indexOf('&& rm -rf .devenv', start));
      }),
    );
    expect(stages[0]).toContain('devenv.js proto gen');
    expect(new Set(stages).size).toBe(1);
  });

  it('pass the build args from the environment through the docker runtime’s buildPlan', async () => {
    const loaded = await loadStack({ files: ['compose/compose.yaml'], env: {}, cwd: PROJECT_ROOT });
    if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
    const env = { NODE_IMAGE: 'n:1', PYTHON_IMAGE: 'p:1', VERSION: '9', GIT_SHA: 'f00' };
    for (const service of APP_SERVICES) {
      const spec = loaded.value.services[service];
      const plan = buildPlan(spec?.build ?? {}, loaded.value.projectDir, env);
      expect(plan.ok && plan.value.dockerfile).toBe(DOCKERFILES[service]);
      expect(plan.ok && plan.value.context).toBe(PROJECT_ROOT);
      const wanted = BUILD_ARG_NAMES.filter(
        (n) => n !== 'PYTHON_IMAGE' || service === 'worker-python',
      );
      expect(plan.ok && Object.keys(plan.value.args).sort()).toEqual([...wanted].sort());
      // Unset variables stay unset, so the Dockerfile's defaults (the official images) apply.
      const bare = buildPlan(spec?.build ?? {}, loaded.value.projectDir, {});
      expect(bare.ok && bare.value.args).toEqual({});
    }
  });

  it('keep generated code, dependencies and state out of the build context', async () => {
    const ignore = (await readFile(join(PROJECT_ROOT, '.dockerignore'), 'utf8')).split('\n');
    for (const entry of ['**/node_modules', '.devenv', '.git', 'protos/gen', '**/__pycache__'])
      expect(ignore).toContain(entry);
  });
});
