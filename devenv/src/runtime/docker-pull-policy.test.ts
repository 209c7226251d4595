import { describe, expect, it } from 'vitest';
import type { PullPolicy } from '../model/pull-policy.js';
import {
  imageAction,
  parsePullOverride,
  type ImageAction,
  type ImageFacts,
  type PullOverride,
} from './docker-pull-policy.js';

const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;
const daily: PullPolicy = { kind: 'refresh', everyMs: 24 * HOUR, written: 'daily' };
const pull = { pull: true, fallback: 'fail' } as const;
const pullOrBuild = { pull: true, fallback: 'build' } as const;

function facts(overrides: Partial<ImageFacts>): ImageFacts {
  return {
    policy: undefined,
    override: undefined,
    buildable: false,
    present: false,
    lastPulledMs: undefined,
    nowMs: NOW,
    ...overrides,
  };
}

describe('imageAction: Compose decides whether to pull', () => {
  it.each<[string, Partial<ImageFacts>, ImageAction]>([
    ['no policy, absent: missing is the default', {}, pull],
    ['no policy, present', { present: true }, 'use-local'],
    ['missing, absent', { policy: { kind: 'missing' } }, pull],
    ['missing, present', { policy: { kind: 'missing' }, present: true }, 'use-local'],
    ['always, present', { policy: { kind: 'always' }, present: true }, pull],
    ['never, present', { policy: { kind: 'never' }, present: true }, 'use-local'],
    ['never, absent', { policy: { kind: 'never' } }, 'refuse-absent'],
    ['build: and no policy', { buildable: true, present: true }, 'build'],
    ['build: and policy build', { buildable: true, policy: { kind: 'build' } }, 'build'],
    ['build: and always', { buildable: true, policy: { kind: 'always' } }, pullOrBuild],
    ['build: and missing, absent', { buildable: true, policy: { kind: 'missing' } }, pullOrBuild],
    ['build: and never, absent', { buildable: true, policy: { kind: 'never' } }, 'build'],
    [
      'build: and never, present',
      { buildable: true, policy: { kind: 'never' }, present: true },
      'use-local',
    ],
    ['daily, absent', { policy: daily, lastPulledMs: NOW - HOUR }, pull],
    ['daily, present, never pulled by devenv', { policy: daily, present: true }, pull],
    [
      'daily, present, pulled an hour ago',
      { policy: daily, present: true, lastPulledMs: NOW - HOUR },
      'use-local',
    ],
    [
      'daily, present, pulled a day ago',
      { policy: daily, present: true, lastPulledMs: NOW - 24 * HOUR },
      pull,
    ],
    ['--pull always over never', { policy: { kind: 'never' }, override: 'always' }, pull],
    [
      '--pull never over always, present',
      { policy: { kind: 'always' }, override: 'never', present: true },
      'use-local',
    ],
    [
      '--pull never over always, absent',
      { policy: { kind: 'always' }, override: 'never' },
      'refuse-absent',
    ],
    [
      '--pull missing over daily, present and stale',
      { policy: daily, override: 'missing', present: true, lastPulledMs: 0 },
      'use-local',
    ],
    [
      '--pull always leaves a build-only service built',
      { buildable: true, override: 'always' },
      'build',
    ],
  ])('%s', (_name, given, action) => {
    expect(imageAction(facts(given))).toEqual(action);
  });
});

describe('parsePullOverride: the values of --pull', () => {
  it.each<[string, PullOverride | undefined]>([
    ['always', 'always'],
    ['missing', 'missing'],
    ['never', 'never'],
    ['build', undefined],
    ['Always', undefined],
    ['', undefined],
  ])('%j', (value, parsed) => {
    expect(parsePullOverride(value)).toBe(parsed);
  });
});
