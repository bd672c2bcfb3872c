import { pino, type Logger } from "pino";

/** Field paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-hub-signature']",
  "req.headers['x-hub-signature-256']",
  "req.headers['shared-secret']",
  "req.headers['x-sentry-auth']",
  "headers.authorization",
  "*.token",
  "*.accessToken",
  "*.access_token",
  "*.refreshToken",
  "*.refresh_token",
  "*.secret",
  "*.sharedSecret",
  "*.privateKey",
  "*.password",
  "token",
  "secret",
  "password",
];

/** Creates the process logger; `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
