/** What the adapters log through: satisfied by a pino logger, kept structural so platform needs no logger module. */
export interface PlatformLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
