import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * In a fresh Node (this test runner has long loaded node:http): a listening lazy server has not
 * loaded Node's HTTP server; its first client gets an HTTP answer, and only then is it loaded.
 */
const SCRIPT = `
const { lazyHttpServer } = await import(${JSON.stringify(new URL('./lazy-http-server.ts', import.meta.url).pathname)});
const net = await import('node:net');
const loaded = () => process.moduleLoadList.some((m) => m.includes('_http_server'));
const server = lazyHttpServer((request, response) => response.end('answered ' + request.url));
await new Promise((resolve) => server.listener.listen(0, '127.0.0.1', resolve));
const listening = loaded();
const { port } = server.listener.address();
const ask = () => new Promise((resolve) => {
  const c = net.connect(port, '127.0.0.1', () => c.end('GET /x HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n'));
  let text = '';
  c.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
});
const first = await ask();
const second = await ask();
server.listener.close();
console.log(JSON.stringify({ listening, after: loaded(), first: first.split('\\r\\n')[0], body: second.slice(second.lastIndexOf('\\n') + 1) }));
`;

describe('lazyHttpServer', () => {
  it('loads HTTP at the first connection and answers every one', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toEqual({
      listening: false,
      after: true,
      first: 'HTTP/1.1 200 OK',
      body: 'answered /x',
    });
  });
});
