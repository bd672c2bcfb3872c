/** Polls `probe` every 50 ms until `ok` accepts its value or `ms` pass; returns the last value (the caller's expect says what was wanted). */
export async function until<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await probe();
  while (!ok(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}
