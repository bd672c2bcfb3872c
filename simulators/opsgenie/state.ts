import { randomUUID } from "node:crypto";

export type Region = "us" | "eu";

export interface Team {
  id: string;
  name: string;
  description: string;
  region: Region;
}

/** An API-based integration's key (team or global), e.g. type "Sentry" or "API". */
export interface IntegrationKey {
  key: string;
  integrationId: string;
  name: string;
  type: string;
  teamId: string | undefined;
  region: Region;
  enabled: boolean;
  /** "Allow configuration access": needed by authenticate and the configuration API (teams). */
  configurationAccess: boolean;
}

/** A key from API Key Management: not an integration, so alert actions refuse it (403 40301). */
export interface AccountKey {
  key: string;
  region: Region;
  configurationAccess: boolean;
}

export interface Responder {
  type: string;
  id: string;
}

export interface Alert {
  id: string;
  tinyId: string;
  alias: string;
  message: string;
  status: "open" | "closed";
  acknowledged: boolean;
  isSeen: boolean;
  tags: string[];
  snoozed: boolean;
  count: number;
  lastOccurredAt: string;
  createdAt: string;
  updatedAt: string;
  source: string;
  owner: string;
  priority: string;
  responders: Responder[];
  visibleTo: Responder[];
  integration: { id: string; name: string; type: string };
  report: Record<string, unknown>;
  actions: string[];
  entity: string;
  description: string;
  details: Record<string, string>;
  region: Region;
  notes: Array<{ note: string; owner: string; createdAt: string }>;
}

/** The outcome of an asynchronous alert request, read back with `GET /v2/alerts/requests/{id}` (§5.2). */
export interface AlertRequest {
  requestId: string;
  region: Region;
  action: string;
  processedAt: string;
  integrationId: string;
  success: boolean;
  status: string;
  alertId: string;
  alias: string;
}

/** In-memory Opsgenie accounts (one per region): teams, keys, alerts and processed requests. */
export class OpsgenieState {
  readonly teams = new Map<string, Team>();
  readonly integrationKeys = new Map<string, IntegrationKey>();
  readonly accountKeys = new Map<string, AccountKey>();
  readonly alerts: Alert[] = [];
  readonly requests = new Map<string, AlertRequest>();
  private tinySeq = 0;

  clear(): void {
    this.teams.clear();
    this.integrationKeys.clear();
    this.accountKeys.clear();
    this.alerts.length = 0;
    this.requests.clear();
    this.tinySeq = 0;
  }

  nextTinyId(): string {
    return String(++this.tinySeq);
  }

  addTeam(name: string, region: Region, description = ""): Team {
    const existing = this.teamByName(name, region);
    if (existing) return existing;
    const team: Team = { id: randomUUID(), name, description, region };
    this.teams.set(team.id, team);
    return team;
  }

  teamByName(name: string, region: Region): Team | undefined {
    return [...this.teams.values()].find((t) => t.region === region && t.name.toLowerCase() === name.toLowerCase());
  }

  /** Alerts by `id`, `tiny` id or `alias`; an alias names the open alert, else the latest one. */
  findAlert(identifier: string, type: "id" | "tiny" | "alias", region: Region): Alert | undefined {
    const mine = this.alerts.filter((a) => a.region === region);
    if (type === "id") return mine.find((a) => a.id === identifier);
    if (type === "tiny") return mine.find((a) => a.tinyId === identifier);
    const same = mine.filter((a) => a.alias === identifier);
    return same.find((a) => a.status === "open") ?? same.at(-1);
  }
}
