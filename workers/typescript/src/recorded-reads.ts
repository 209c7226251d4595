/**
 * What webpack read, by content: a wrapper of a compiler's input file system that hashes every
 * file it hands webpack. The bundle cache fingerprints an entry's inputs with these hashes, the
 * content the bundle was built from, instead of hashing the files again after the build and
 * guessing from their mtimes whether they changed in between (which refused to cache every
 * bundle the determinism guard built within 50 ms of a save: the prepared swap then found no
 * bundle to prepare with).
 */
import { createHash } from 'node:crypto';

/** A path's content as webpack read it; `conflict` when two reads in one build differed. */
export type RecordedRead = `sha256:${string}` | 'conflict';

type Callback = (error: unknown, data?: unknown) => void;

/** The input file system with `readFile` recording into `reads`; everything else as it was. */
export function recordingReads<Fs extends object>(fs: Fs, reads: Map<string, RecordedRead>): Fs {
  const record = (path: unknown, data: unknown) => {
    // A string was decoded with some encoding: its bytes are not the file's, so it is not recorded.
    if (typeof path !== 'string' || !Buffer.isBuffer(data)) return;
    const hash = `sha256:${createHash('sha256').update(data).digest('hex')}` as const;
    const earlier = reads.get(path);
    reads.set(path, earlier === undefined || earlier === hash ? hash : 'conflict');
  };
  return new Proxy(fs, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'readFile') return value.bind(target) as unknown;
      return (path: unknown, ...rest: unknown[]) => {
        const callback = rest.pop() as Callback;
        const done: Callback = (error, data) => {
          if (!error) record(path, data);
          callback(error, data);
        };
        (value as (...args: unknown[]) => void).call(target, path, ...rest, done);
      };
    },
  });
}
