/** A key-value cache with expiry: in-memory LRU (embedded) or Redis (distributed). */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds` (> 0; fractions of a second are honoured). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Deletes the keys; returns how many existed. */
  delete(...keys: string[]): Promise<number>;
  close(): Promise<void>;
}
