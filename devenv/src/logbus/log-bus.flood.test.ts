import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogBus } from './log-bus.js';
import type { LogBus } from './log-bus.js';
import type { LogRecord } from './log-record.js';

const LINES = 200_000;

/** A real child printing `LINES` numbered lines as fast as it can, in 64 KiB writes. */
const FLOODER = `
const total = ${LINES};
let i = 0;
function more() {
  while (i < total) {
    let chunk = '';
    for (let n = 0; n < 1000 && i < total; n++, i++) chunk += 'line ' + i + ' ' + 'x'.repeat(i % 50) + '\\n';
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', more);
  }
}
more();
`;

/** Pipes the child's stdout into the bus and resolves once it has exited and all is written. */
async function flood(bus: LogBus): Promise<void> {
  const child = spawn(process.execPath, ['-e', FLOODER], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (chunk: Buffer) => bus.write('flooder', 'stdout', chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  expect(code).toBe(0);
  bus.flush('flooder');
}

describe('log bus under a flood from a real child process', () => {
  it(`keeps all ${LINES} lines in order when the ring is big enough, and subscribers get them in batches`, async () => {
    const bus = createLogBus({ maxRecordsPerService: LINES, maxBytesPerService: Infinity });
    const batchSizes: number[] = [];
    let lastSeq = 0;
    let outOfOrder = 0;
    bus.subscribe({}, (records) => {
      batchSizes.push(records.length);
      for (const r of records) {
        if (r.seq !== lastSeq + 1) outOfOrder += 1;
        lastSeq = r.seq;
      }
    });
    await flood(bus);
    await new Promise((resolve) => setImmediate(resolve));

    const records = bus.tail('flooder');
    expect(records).toHaveLength(LINES);
    const broken = records.findIndex(
      (r: LogRecord, i) => r.seq !== i + 1 || !r.text.startsWith(`line ${i} `),
    );
    expect(broken).toBe(-1);
    expect(bus.stats()).toMatchObject({ records: LINES, buffered: LINES, evicted: 0 });

    expect(outOfOrder).toBe(0);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(LINES);
    // Batches, not a call per line (or per chunk): a 64 KiB chunk alone holds ~1,800 lines.
    expect(batchSizes.length).toBeLessThan(LINES / 1000);
  });

  it('stays within the ring’s byte budget, keeping the newest lines', async () => {
    const maxBytes = 1024 * 1024;
    const bus = createLogBus({ maxBytesPerService: maxBytes });
    let delivered = 0;
    bus.subscribe({}, (records) => void (delivered += records.length));
    const heapBefore = process.memoryUsage().heapUsed;
    await flood(bus);
    await new Promise((resolve) => setImmediate(resolve));

    const stats = bus.stats();
    expect(stats.records).toBe(LINES);
    expect(delivered).toBe(LINES);
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.buffered + stats.evicted).toBe(LINES);
    expect(stats.buffered).toBeLessThan(LINES / 5);
    const newest = bus.tail('flooder', { limit: 1 })[0];
    expect(newest?.text).toMatch(new RegExp(`^line ${LINES - 1} `));
    // ~10 MB of lines went through; what stays reachable is the budget, not the flood.
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
