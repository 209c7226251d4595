import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * JSON lines on stdout (pino), the format devenv's log bus parses. Field names are snake_case
 * like the API (`workflow_id`, `request_id`). The authorization header never reaches a log.
 */
export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'dispatcher' },
    messageKey: 'msg',
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
  };
  // Asynchronous writes (sonic-boom): a synchronous write per line to a pipe costs more than the
  // rest of a request. The buffer is flushed on shutdown (server.ts).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
