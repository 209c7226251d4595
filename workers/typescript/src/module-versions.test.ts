import { describe, expect, it } from 'vitest';
import { ModuleVersions } from './module-versions.js';

/** root → mid → leaf, root → shared, mid → shared; loaded once as reload 1. */
function loadedGraph(): ModuleVersions {
  const versions = new ModuleVersions();
  versions.begin([]);
  versions.versionOf('root');
  versions.imported('root', 'mid');
  versions.imported('root', 'shared');
  versions.imported('mid', 'leaf');
  versions.imported('mid', 'shared');
  versions.succeeded();
  return versions;
}

const versionsOf = (versions: ModuleVersions) =>
  Object.fromEntries([...versions.files()].map((file) => [file, versions.versionOf(file)]));

describe('ModuleVersions', () => {
  it('gives a changed file and everything importing it the new reload number, nothing else', () => {
    const versions = loadedGraph();
    expect(versions.begin(['leaf'])).toBe(2);
    expect(versionsOf(versions)).toEqual({ root: 2, mid: 2, leaf: 2, shared: 1 });
  });

  it('a file seen for the first time gets the current reload number', () => {
    const versions = loadedGraph();
    versions.begin([]);
    expect(versions.imported('mid', 'new')).toBe(2);
    expect(versionsOf(versions)).toMatchObject({ root: 1, mid: 1 });
  });

  it('after a failed reload, what it evaluated is evaluated again even if nothing changed', () => {
    const versions = loadedGraph();
    versions.begin(['leaf']);
    versions.imported('leaf', 'new'); // first seen in the failed reload
    versions.failed();
    versions.begin([]);
    expect(versionsOf(versions)).toEqual({ root: 3, mid: 3, leaf: 3, shared: 1, new: 3 });
    versions.succeeded();
    versions.begin([]);
    expect(versionsOf(versions)).toEqual({ root: 3, mid: 3, leaf: 3, shared: 1, new: 3 });
  });
});
