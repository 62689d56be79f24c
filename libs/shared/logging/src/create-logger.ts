import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactedPaths } from './redaction';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** The service name every line carries, for example "api" or "agent". */
  service: string;
  level: string;
  /** Where lines go; standard output when omitted. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** Options shared by the plain logger and the NestJS HTTP logger, so both redact the same way. */
export function loggerOptions(settings: Pick<LoggerSettings, 'service' | 'level'>): LoggerOptions {
  return {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** A structured JSON logger with secrets redacted. */
export function createLogger(settings: LoggerSettings): Logger {
  return pino(loggerOptions(settings), settings.destination ?? pino.destination({ sync: false }));
}
