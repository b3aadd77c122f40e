// Logger options: JSON lines with every token and secret redacted.
import pino, { type Logger, type LoggerOptions } from 'pino'

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'auth', '*.auth', 'req.headers.authorization', 'req.headers.cookie',
  '*.access_token', '*.refresh_token', '*.accessToken', '*.refreshToken',
  '*.application_token', '*.applicationToken', '*.client_secret', '*.clientSecret',
  '*.AUTH_ID', '*.REFRESH_ID', '*.APPLICATION_TOKEN',
  'accessToken', 'refreshToken', 'applicationToken', 'clientSecret',
  '*.tokenKey', 'tokenKey',
]

/** Options for pino (and Fastify's logger) at `level`. */
export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
}

/** A standalone logger with the same redaction, for code outside a request. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level))
}
