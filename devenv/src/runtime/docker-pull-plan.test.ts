import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from '../model/load-stack.js';
import type { Stack } from '../model/stack.js';
import { pullPlan, type PullPlan, type PullSelection } from './docker-pull-plan.js';

const COMPOSE = `
services:
  db:
    image: postgres:16
  cache:
    image: redis:7
    pull_policy: never
  api:
    image: api:dev
    build: .
    depends_on: [db]
  web:
    build: .
    depends_on: [api, cache]
  admin:
    image: postgres:16
  worker:
    image: worker:1
    scale: 2
    pull_policy: daily
  local:
    image: local:1
    build: .
    pull_policy: build
`;

function stack(): Stack {
  const loaded = parseStack([{ file: 'compose.yaml', text: COMPOSE }], {
    projectDir: '/proj',
    env: {},
  });
  if (!loaded.ok) throw new Error(loaded.error.map(formatDiagnostic).join('\n'));
  return loaded.value;
}

const all: PullSelection = { services: [], includeDeps: false, ignoreBuildable: false };

/** image → services, and the skipped services, for compact tables. */
function shown(plan: PullPlan) {
  return {
    pulled: Object.fromEntries(plan.targets.map((t) => [t.image, t.services.join(',')])),
    skipped: Object.fromEntries(plan.skipped.map((s) => [s.service, s.why])),
    unknown: plan.unknown,
  };
}

describe('pullPlan: which images `devenv pull` pulls', () => {
  it('every service with image:, each image once, replicas once; never/build/no image: left out', () => {
    expect(shown(pullPlan(stack(), all))).toEqual({
      pulled: {
        'postgres:16': 'db,admin',
        'api:dev': 'api',
        'worker:1': 'worker',
      },
      skipped: {
        cache: 'pull_policy: never',
        web: 'no image: (built from build:)',
        local: 'pull_policy: build',
      },
      unknown: [],
    });
  });

  it('a buildable service is pulled, its failure tolerated; --ignore-buildable leaves it out', () => {
    expect(pullPlan(stack(), all).targets.find((t) => t.image === 'api:dev')?.buildable).toBe(true);
    expect(pullPlan(stack(), all).targets.find((t) => t.image === 'postgres:16')?.buildable).toBe(
      false,
    );
    const plan = shown(pullPlan(stack(), { ...all, ignoreBuildable: true }));
    expect(plan.pulled['api:dev']).toBeUndefined();
    expect(plan.skipped['api']).toBe('buildable (--ignore-buildable)');
  });

  it.each<[string, PullSelection, Record<string, string>]>([
    [
      'named services only',
      { ...all, services: ['api', 'worker'] },
      { 'api:dev': 'api', 'worker:1': 'worker' },
    ],
    [
      '--include-deps follows depends_on through services without images',
      { ...all, services: ['web'], includeDeps: true },
      { 'postgres:16': 'db', 'api:dev': 'api' },
    ],
    ['without --include-deps, no dependencies', { ...all, services: ['web'] }, {}],
  ])('%s', (_name, selection, pulled) => {
    expect(shown(pullPlan(stack(), selection)).pulled).toEqual(pulled);
  });

  it('names that are not services are reported', () => {
    expect(pullPlan(stack(), { ...all, services: ['db', 'nope'] }).unknown).toEqual(['nope']);
  });
});
