import { describe, expect, it } from 'vitest';
import { findResetTags, removeTagged } from './reset-tags.js';

describe('findResetTags', () => {
  it.each([
    { text: 'services:\n  a:\n    image: x\n', cleared: [], removed: [] },
    {
      text: 'services:\n  a:\n    ports: !reset []\n    environment: !override {A: "1"}\n',
      cleared: [
        ['services', 'a', 'ports'],
        ['services', 'a', 'environment'],
      ],
      removed: [['services', 'a', 'ports']],
    },
    {
      text: 'x-base: &base\n  command: !reset null\nservices:\n  a:\n    <<: *base\n    image: x\n',
      cleared: [
        ['x-base', 'command'],
        ['services', 'a', 'command'],
      ],
      removed: [
        ['x-base', 'command'],
        ['services', 'a', 'command'],
      ],
    },
    {
      text: 'services:\n  a:\n    volumes:\n      - ./a:/a\n      - !reset ./b:/b\n',
      cleared: [['services', 'a', 'volumes', 1]],
      removed: [['services', 'a', 'volumes', 1]],
    },
    // Broken YAML is the parser's to report; the tags of a file that does not parse do nothing.
    { text: 'services: !reset [\n', cleared: [], removed: [] },
  ])('$text', ({ text, cleared, removed }) => {
    expect(findResetTags(text)).toEqual({ cleared, removed });
  });
});

describe('removeTagged', () => {
  it('removes mapping entries and list items, later items first', () => {
    const data = { a: { b: 1, c: [1, 2, 3] }, d: 2 };
    expect(removeTagged(data, [['a', 'c', 0], ['a', 'c', 2], ['d'], ['missing', 'path']])).toEqual({
      a: { b: 1, c: [2] },
    });
    expect(data).toEqual({ a: { b: 1, c: [1, 2, 3] }, d: 2 });
  });
});
