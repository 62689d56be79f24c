export { createLogger, loggerOptions, type Logger, type LoggerSettings } from './create-logger';
export { redactedPaths, redactQuerySecrets, redactUrlCredentials } from './redaction';
