import { describe, expect, it } from 'vitest';
import { foldPullEvent, NO_PROGRESS, type PullEvent } from './docker-pull-progress.js';

/** The lines a sequence of the Engine's events gives, and the last progress. */
function fold(events: readonly PullEvent[]) {
  let progress = NO_PROGRESS;
  const lines: string[] = [];
  for (const event of events) {
    const step = foldPullEvent('redis:7', progress, event);
    progress = step.progress;
    if (step.line !== undefined) lines.push(step.line);
  }
  return { progress, lines };
}

describe('foldPullEvent: a pull as a few log lines', () => {
  it('counts layers, one line per layer done, none per download step', () => {
    const downloading = (id: string) => ({
      status: 'Downloading',
      id,
      progressDetail: { current: 1, total: 2 },
    });
    const { lines, progress } = fold([
      { status: 'Pulling from library/redis', id: '7' },
      { status: 'Already exists', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Waiting', id: 'c' },
      downloading('b'),
      downloading('b'),
      downloading('c'),
      { status: 'Download complete', id: 'b' },
      { status: 'Extracting', id: 'b' },
      { status: 'Pull complete', id: 'b' },
      { status: 'Pull complete', id: 'c' },
      { status: 'Digest: sha256:0123' },
      { status: 'Status: Downloaded newer image for redis:7' },
    ]);
    expect(lines).toEqual([
      'pull redis:7: 1/1 layers (1 already here)',
      'pull redis:7: 2/3 layers (1 already here)',
      'pull redis:7: 3/3 layers (1 already here)',
      'pull redis:7: Digest: sha256:0123',
      'pull redis:7: Status: Downloaded newer image for redis:7',
    ]);
    expect(progress.error).toBeUndefined();
  });

  it("keeps the Engine's error, from errorDetail first", () => {
    const { lines, progress } = fold([
      { status: 'Pulling from library/redis', id: '7' },
      { error: 'short', errorDetail: { message: 'manifest for redis:7 not found' } },
    ]);
    expect(progress.error).toBe('manifest for redis:7 not found');
    expect(lines).toEqual(['pull redis:7: manifest for redis:7 not found']);
  });

  it('an image already up to date says so without layer lines', () => {
    const { lines } = fold([
      { status: 'Pulling from library/redis', id: '7' },
      { status: 'Digest: sha256:0123' },
      { status: 'Status: Image is up to date for redis:7' },
    ]);
    expect(lines).toEqual([
      'pull redis:7: Digest: sha256:0123',
      'pull redis:7: Status: Image is up to date for redis:7',
    ]);
  });
});
