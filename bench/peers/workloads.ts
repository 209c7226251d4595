// The four workloads of the peer bench as small Node programs, written once into the bench's
// directory so that every supervisor runs the very same files.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** S1: `lines` JSON lines as a logger writes them (one write per line), then exit 0. */
const GENERATOR = `const lines = Number(process.argv[2]); const out = process.stdout; let i = 0;
function more() {
  for (; i < lines; i++) {
    const ok = out.write('{"level":30,"time":' + Date.now() + ',"workflowId":"wf-' + (i % 1000) + '","msg":"activity completed ' + i + '"}\\n');
    if (!ok) { i++; return out.once('drain', more); }
  }
}
more();`;

/** S2 and S3: listens on a loopback port `delay` ms after it starts, then idles. */
const LISTENER = `const net = require('node:net');
const [port, delay] = process.argv.slice(2).map(Number);
setTimeout(() => net.createServer((s) => s.end()).listen(port, '127.0.0.1'), delay);`;

/** S4: answers every HTTP request with the watched file's content as it was when it started. */
const SERVER = `const http = require('node:http'); const fs = require('node:fs');
const [port, file] = [Number(process.argv[2]), process.argv[3]];
const body = fs.readFileSync(file, 'utf8');
http.createServer((_, res) => res.end(body)).listen(port, '127.0.0.1');`;

export interface WorkloadFiles {
  readonly dir: string;
  readonly generator: string;
  readonly listener: string;
  readonly server: string;
  /** The file S4's server serves and every supervisor watches. */
  readonly watched: string;
}

export async function writeWorkloads(dir: string): Promise<WorkloadFiles> {
  const files = {
    dir,
    generator: join(dir, 'generator.cjs'),
    listener: join(dir, 'listener.cjs'),
    server: join(dir, 'server.cjs'),
    watched: join(dir, 'watched', 'content.txt'),
  };
  await writeFile(files.generator, GENERATOR);
  await writeFile(files.listener, LISTENER);
  await writeFile(files.server, SERVER);
  return files;
}

/** How many of S1's lines reached `text` (a log file or a supervisor's output). */
export function countFloodLines(text: string): number {
  // Without the quotes: a supervisor may store each line escaped inside JSON of its own.
  const marker = 'activity completed ';
  let count = 0;
  for (let at = text.indexOf(marker); at !== -1; count++) at = text.indexOf(marker, at + 1);
  return count;
}

/** The number of the first of S1's lines in `text` (its index in the generator's order). */
export function firstFloodIndex(text: string): number | undefined {
  const match = /activity completed (\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}
