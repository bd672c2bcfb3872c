import type { SimServer } from "./sim-server.js";

/** What every simulator's start function returns. */
export interface StartedSimulator<Control> {
  provider: string;
  url: string;
  /** Credentials and secrets to configure Switchboard with (shown by `switchboard simulate`). */
  credentials: Record<string, string>;
  control: Control;
  server: SimServer;
  stop(): Promise<void>;
}
