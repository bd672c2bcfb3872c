import { randomUUID } from "node:crypto";
import type { SimClock } from "../shared/sim-clock.js";
import type { ProcessName, WorkItemState } from "./process-templates.js";

/** A person known to the simulated Azure DevOps (one identity across organizations, as the profile API shows it). */
export interface AzureUser {
  id: string;
  displayName: string;
  email: string;
  /** Graph subject descriptor (`aad.<base64>`), what connectionData calls `subjectDescriptor`. */
  descriptor: string;
}

export interface AzureProject {
  id: string;
  name: string;
  description: string;
  process: ProcessName;
  revision: number;
  lastUpdateTime: string;
  /** Per work item type state lists that replace the process defaults. */
  stateOverrides: Map<string, WorkItemState[]>;
}

/** One revision's changes: what a `workitem.updated` delivery describes. */
export interface WorkItemUpdate {
  /** The update number (`resource.id` in a delivery). */
  id: number;
  rev: number;
  revisedBy: string;
  revisedDate: string;
  /** Changed fields, values in storage form (identities as user ids). `undefined` = no such side. */
  fields: Record<string, { oldValue?: unknown; newValue?: unknown }>;
  /** The full field set after this revision, storage form. */
  snapshot: Record<string, unknown>;
  /** `workitem.created` for the first revision, else `workitem.updated`. */
  kind: "created" | "updated";
}

export interface WorkItemRelation {
  rel: string;
  url: string;
  attributes: Record<string, unknown>;
}

export interface WorkItem {
  id: number;
  projectId: string;
  rev: number;
  /** Field values in storage form: identity fields hold user ids. */
  fields: Record<string, unknown>;
  relations: WorkItemRelation[];
  updates: WorkItemUpdate[];
}

/** A service-hook subscription as created through `_apis/hooks/subscriptions` (§2.4). */
export interface HookSubscription {
  id: string;
  publisherId: string;
  eventType: string;
  resourceVersion: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status: "enabled" | "onProbation" | "disabledByUser" | "disabledBySystem" | "disabledByInactiveIdentity";
  createdBy: string;
  createdDate: string;
  modifiedBy: string;
  modifiedDate: string;
  /** Next `notificationId` for this subscription (Azure numbers notifications per subscription). */
  nextNotificationId: number;
  consecutiveFailures: number;
}

export interface AzureOrganization {
  /** The account id (`resourceContainers.account.id`). */
  id: string;
  /** The project collection id (`resourceContainers.collection.id`, Sentry's tenant key). */
  collectionId: string;
  name: string;
  members: Set<string>;
  projects: Map<string, AzureProject>;
  workItems: Map<number, WorkItem>;
  subscriptions: Map<string, HookSubscription>;
  nextWorkItemId: number;
  watermark: number;
}

/** A legacy Azure DevOps OAuth app registration (§2.1): its client secret is itself a JWT. */
export interface LegacyApp {
  kind: "full" | "limited";
  appId: string;
  clientSecret: string;
  redirectUrl: string;
  scopes: string[];
  /** Bumped when the secret is regenerated: tokens minted under an older version stop working. */
  secretVersion: number;
}

/** The Entra ID app registration (§2.3). */
export interface EntraApp {
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
}

/** One user's consent to one app; access and refresh tokens belong to it (a refresh "family"). */
export interface Grant {
  id: string;
  flow: "legacy" | "entra";
  /** Legacy app id, or the Entra client id. */
  clientId: string;
  userId: string;
  scopes: string[];
  secretVersion: number;
  revoked: boolean;
}

export interface IssuedToken {
  grantId: string;
  expiresAt: number;
  issuedAt: number;
  /** A refresh token that was exchanged: rotation makes it dead. */
  used: boolean;
}

export interface AuthorizationCode {
  flow: "legacy" | "entra";
  clientId: string;
  userId: string;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

/** Per grant type: how many token requests came, how many were answered with tokens, how many refused. */
export interface TokenRequestCount {
  requests: number;
  issued: number;
  refused: number;
}

export const LEGACY_FULL_SCOPES = ["vso.code", "vso.graph", "vso.serviceendpoint_manage", "vso.work_write"];
export const LEGACY_LIMITED_SCOPES = ["vso.graph", "vso.serviceendpoint_manage", "vso.work_write"];
/** Azure DevOps' resource id in Entra ID (§2.3). */
export const AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798";

/** Everything the Azure DevOps simulator knows; in memory, reset by `/_sim/reset`. */
export class AzureState {
  readonly tenantId = randomUUID();
  users = new Map<string, AzureUser>();
  organizations = new Map<string, AzureOrganization>();
  grants = new Map<string, Grant>();
  accessTokens = new Map<string, IssuedToken>();
  refreshTokens = new Map<string, IssuedToken>();
  codes = new Map<string, AuthorizationCode>();
  tokenCounts = new Map<string, TokenRequestCount>();
  accessTokenLifetimeSeconds = 3599;
  refreshTokenLifetimeSeconds = 90 * 24 * 3600;
  tokenEndpointDelayMs = 0;
  /** Whose consent the auto-approving authorize endpoints give; undefined = the first user. */
  authorizingUserId: string | undefined;
  consent: "approve" | "deny" = "approve";
  /** When set, every delivery goes here instead of the subscription's consumer URL. */
  webhookUrl: string | undefined;

  private readonly registeredSecrets: { full: string; limited: string };

  constructor(
    readonly clock: SimClock,
    readonly legacyApps: { full: LegacyApp; limited: LegacyApp },
    readonly entraApp: EntraApp,
  ) {
    this.registeredSecrets = { full: legacyApps.full.clientSecret, limited: legacyApps.limited.clientSecret };
  }

  iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  userByEmail(email: string): AzureUser | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  organization(name: string): AzureOrganization | undefined {
    return this.organizations.get(name.toLowerCase());
  }

  /** A project of the organization by id or (case-insensitive) name. */
  project(org: AzureOrganization, idOrName: string): AzureProject | undefined {
    const wanted = idOrName.toLowerCase();
    for (const project of org.projects.values()) if (project.id === wanted || project.name.toLowerCase() === wanted) return project;
    return undefined;
  }

  /** Finds a work item by id in any organization (ids are unique per organization; the first match wins). */
  findWorkItem(id: number, orgName?: string): { org: AzureOrganization; item: WorkItem } | undefined {
    const orgs = orgName ? [this.organization(orgName)].filter((o): o is AzureOrganization => !!o) : [...this.organizations.values()];
    for (const org of orgs) {
      const item = org.workItems.get(id);
      if (item) return { org, item };
    }
    return undefined;
  }

  count(key: string, outcome: "issued" | "refused"): void {
    const entry = this.tokenCounts.get(key) ?? { requests: 0, issued: 0, refused: 0 };
    entry.requests++;
    entry[outcome]++;
    this.tokenCounts.set(key, entry);
  }

  /** Drops everything but the app registrations, whose secrets go back to the ones first registered. */
  clear(): void {
    for (const kind of ["full", "limited"] as const) {
      this.legacyApps[kind].clientSecret = this.registeredSecrets[kind];
      this.legacyApps[kind].secretVersion = 1;
    }
    this.users.clear();
    this.organizations.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.codes.clear();
    this.tokenCounts.clear();
    this.accessTokenLifetimeSeconds = 3599;
    this.refreshTokenLifetimeSeconds = 90 * 24 * 3600;
    this.tokenEndpointDelayMs = 0;
    this.authorizingUserId = undefined;
    this.consent = "approve";
  }
}
