import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { pino, type Logger as PinoLogger } from 'pino';

export type { PinoLogger };

/**
 * One JSON object per line on stdout (devenv's log bus and Loki read lines), ISO timestamps and
 * textual levels so a human can read them in `devenv logs` too.
 */
export function createLogger(
  service: string,
  destination?: pino.DestinationStream,
  level = process.env['LOG_LEVEL'] ?? 'info',
): PinoLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The SDK's Logger on top of pino. The SDK already attaches workflowId/runId/workflowType to
 * workflow logs and activityType/attempt/workflowId to activity logs; activity logs name the run
 * `workflowRunId`, so it is copied to `runId` to give every line one field to filter on.
 */
export function sdkLogger(logger: PinoLogger): Logger {
  const emit = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields: Record<string, unknown> = { ...meta };
    if (fields['runId'] === undefined && fields['workflowRunId'] !== undefined)
      fields['runId'] = fields['workflowRunId'];
    delete fields['workflowRunId'];
    logger[PINO_LEVEL[level]](fields, message);
  };
  return {
    log: emit,
    trace: (message, meta) => emit('TRACE', message, meta),
    debug: (message, meta) => emit('DEBUG', message, meta),
    info: (message, meta) => emit('INFO', message, meta),
    warn: (message, meta) => emit('WARN', message, meta),
    error: (message, meta) => emit('ERROR', message, meta),
  };
}
