import { describe, expect, it } from 'vitest';
import { parseProcNetTcp, socketInode } from './listening-sockets.js';

const SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41234 1 0000000000000000 100 0 0 10 0
   1: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 29877 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1C41 0100007F:D4C2 01 00000000:00000000 00:00000000 00000000     0        0 55555 1 0000000000000000 20 4 30 10 -1
`;

const SAMPLE6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
`;

describe('/proc/net/tcp parsing', () => {
  it('keeps listening sockets with their ports and inodes, skips connections', () => {
    expect(parseProcNetTcp(SAMPLE)).toEqual([
      { port: 7233, inode: 41234 },
      { port: 5432, inode: 29877 },
    ]);
  });

  it('reads IPv6 tables too', () => {
    expect(parseProcNetTcp(SAMPLE6)).toEqual([{ port: 8080, inode: 777 }]);
  });

  it('ignores blank and malformed lines', () => {
    expect(parseProcNetTcp('header\n\ngarbage line\n   3: zz\n')).toEqual([]);
  });

  it('reads socket inodes from fd links only', () => {
    expect(socketInode('socket:[41234]')).toBe(41234);
    expect(socketInode('pipe:[41234]')).toBeUndefined();
    expect(socketInode('/dev/null')).toBeUndefined();
  });
});
