import type { SimRequest, SimResponse } from "./sim-server.js";

/** A control call with bad input or naming an unknown object; `/_sim/` answers it with 400. */
export class ControlError extends Error {}

/** The JSON body of a control call (an empty object when there is none). */
export type ControlBody = Record<string, unknown>;

/** The value when it is a string, else undefined. */
export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Runs a control call; a ControlError (bad input, unknown object) becomes a 400 with its message. */
export function handle(fn: (body: ControlBody, req: SimRequest) => unknown): (req: SimRequest) => Promise<SimResponse> {
  return async (req) => {
    const body = req.json && typeof req.json === "object" ? (req.json as ControlBody) : {};
    try {
      const result = await fn(body, req);
      return { status: 200, body: result === undefined ? {} : result };
    } catch (error) {
      if (error instanceof ControlError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };
}

/** The named non-empty string field of the body, or a ControlError saying it is required. */
export function required(body: ControlBody, name: string): string {
  const value = str(body[name]);
  if (!value) throw new ControlError(`${name} is required`);
  return value;
}
