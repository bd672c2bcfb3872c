import type { SimServer } from "../shared/sim-server.js";
import type { Delivery } from "../shared/webhook-sender.js";
import type { AzureDeliveries, SentNotification } from "./deliver-webhook.js";
import { issueEntraCode } from "./entra-oauth-routes.js";
import { issueLegacyCode } from "./legacy-oauth-routes.js";
import { canonicalType, isProcessName, type ProcessName, type WorkItemState } from "./process-templates.js";
import { addOrganization, addProject, addUser } from "./seed.js";
import { LEGACY_FULL_SCOPES, type AzureOrganization, type AzureState, type AzureUser, type HookSubscription, type TokenRequestCount, type WorkItem } from "./state.js";
import { buildSubscription } from "./subscription-routes.js";
import { legacyClientSecret } from "./token-format.js";
import { createGrant, issueTokens, revokeFamily } from "./tokens.js";
import { checkFieldValue, canonicalField } from "./work-item-patch.js";
import { renderFields } from "./work-item-json.js";
import { createWorkItem, updateWorkItem } from "./work-items.js";
import { isResponse } from "./rest-context.js";
import { ControlError } from "../shared/control-handler.js";

/** Which app a test-issued token belongs to. */
export type TokenFlow = "legacy" | "legacy-limited" | "entra";

/** Who makes a control-side change (an e-mail of an organization member; default: its first member). */
export interface ChangeOptions {
  org?: string;
  by?: string;
}

/** A work item as the control API shows it: identities as `"Name <email>"`, bookkeeping fields included. */
export interface WorkItemView {
  id: number;
  rev: number;
  projectId: string;
  fields: Record<string, unknown>;
}

/** Failures of control calls (bad arguments, unknown objects); the HTTP control routes answer them with 400. */
export { ControlError };

/** What tests and `/_sim/` can do to the Azure DevOps simulator. */
export function createAzureControl(server: SimServer, state: AzureState, deliveries: AzureDeliveries) {
  const orgOf = (name: string): AzureOrganization => {
    const org = state.organization(name);
    if (!org) throw new ControlError(`unknown organization ${name}`);
    return org;
  };
  const userOf = (email: string): AzureUser => {
    const user = state.userByEmail(email);
    if (!user) throw new ControlError(`unknown user ${email}`);
    return user;
  };
  const itemOf = (id: number, org?: string): { org: AzureOrganization; item: WorkItem } => {
    const found = state.findWorkItem(id, org);
    if (!found) throw new ControlError(`unknown work item ${id}${org ? ` in ${org}` : ""}`);
    return found;
  };
  const actor = (org: AzureOrganization, by?: string): string => {
    if (by) {
      const user = userOf(by);
      if (!org.members.has(user.id)) throw new ControlError(`${by} is not a member of ${org.name}`);
      return user.id;
    }
    const first = org.members.values().next().value;
    if (!first) throw new ControlError(`organization ${org.name} has no members to make the change`);
    return first;
  };
  /** Checks control-given values exactly as the REST API would, then applies them as one revision. */
  const change = (id: number, values: Record<string, unknown>, options: ChangeOptions = {}): Promise<Delivery[]> => {
    const { org, item } = itemOf(id, options.org);
    const project = org.projects.get(item.projectId);
    if (!project) throw new ControlError(`work item ${id} has no project`);
    const stored: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const field = canonicalField(name) ?? name;
      const checked = checkFieldValue(state, org, project, String(item.fields["System.WorkItemType"]), field, value);
      if (!checked.ok) throw new ControlError(String((checked.response.body as { message?: string }).message));
      stored[field] = checked.value;
    }
    const update = updateWorkItem(state, org, item, stored, actor(org, options.by));
    return update ? deliveries.notify(org, item, update) : Promise.resolve([]);
  };

  const control = {
    /** Adds a user (display name defaults to the e-mail's local part); returns its id and descriptor. */
    addUser(email: string, displayName?: string): AzureUser {
      return { ...addUser(state, email, displayName) };
    },
    /** Adds an organization with these members (e-mails; users are created when new). */
    addOrganization(name: string, members: string[] = []): { id: string; collectionId: string; name: string; url: string } {
      const org = addOrganization(state, name, members);
      return { id: org.id, collectionId: org.collectionId, name: org.name, url: `${server.url}/${org.name}/` };
    },
    addMember(org: string, email: string): void {
      orgOf(org).members.add(addUser(state, email).id);
    },
    removeMember(org: string, email: string): void {
      orgOf(org).members.delete(userOf(email).id);
    },
    addProject(org: string, name: string, options: { process?: ProcessName; description?: string } = {}): { id: string; name: string } {
      if (options.process !== undefined && !isProcessName(options.process)) throw new ControlError(`unknown process ${String(options.process)}`);
      const project = addProject(state, orgOf(org), name, options);
      return { id: project.id, name: project.name };
    },
    /** Replaces a type's states in a project (a customised process). */
    setWorkItemTypeStates(org: string, project: string, type: string, states: WorkItemState[]): void {
      const p = state.project(orgOf(org), project);
      if (!p) throw new ControlError(`unknown project ${project}`);
      p.stateOverrides.set(canonicalType(p.process, type) ?? type, states.map((s) => ({ ...s })));
    },
    /** Creates a work item as a person would in the web UI; subscribers of workitem.created are notified. */
    async createWorkItem(input: { org: string; project: string; type?: string; title: string; assignedTo?: string; state?: string; fields?: Record<string, unknown>; by?: string }): Promise<number> {
      const org = orgOf(input.org);
      const project = state.project(org, input.project);
      if (!project) throw new ControlError(`unknown project ${input.project}`);
      const type = canonicalType(project.process, input.type ?? (project.process === "Basic" ? "Issue" : "Bug"));
      if (!type) throw new ControlError(`unknown work item type ${input.type ?? ""}`);
      const given: Record<string, unknown> = { ...(input.fields ?? {}), "System.Title": input.title };
      if (input.assignedTo) given["System.AssignedTo"] = input.assignedTo;
      if (input.state) given["System.State"] = input.state;
      const stored: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(given)) {
        const field = canonicalField(name) ?? name;
        const checked = checkFieldValue(state, org, project, type, field, value);
        if (!checked.ok) throw new ControlError(String((checked.response.body as { message?: string }).message));
        stored[field] = checked.value;
      }
      const item = createWorkItem(state, org, project, type, stored, actor(org, input.by));
      await deliveries.notify(org, item, item.updates[0]!);
      return item.id;
    },
    /** The work item's current revision. */
    workItem(id: number, org?: string): WorkItemView {
      const found = itemOf(id, org);
      return { id: found.item.id, rev: found.item.rev, projectId: found.item.projectId, fields: renderFields(state, server.url, found.org, found.item.fields, { asObjects: false, includeHidden: true }) };
    },
    /** Assigns (e-mail) or unassigns (null) as a person would; resolves with the deliveries made. */
    assignWorkItem(id: number, email: string | null, options: ChangeOptions = {}): Promise<Delivery[]> {
      return change(id, { "System.AssignedTo": email }, options);
    },
    /** Moves the work item to a state of its type; resolves with the deliveries made. */
    setState(id: number, newState: string, options: ChangeOptions = {}): Promise<Delivery[]> {
      return change(id, { "System.State": newState }, options);
    },
    /** Changes any writable fields at once (one revision); `null` clears a field. */
    updateWorkItem(id: number, fields: Record<string, unknown>, options: ChangeOptions = {}): Promise<Delivery[]> {
      return change(id, fields, options);
    },
    /** Creates a webHooks subscription as Sentry does (§2.4), without going through OAuth. */
    createSubscription(input: { org: string; url: string; sharedSecret?: string; httpHeaders?: string; eventType?: string; projectId?: string; resourceVersion?: string; by?: string }): string {
      const org = orgOf(input.org);
      const consumerInputs: Record<string, string> = { url: input.url, resourceDetailsToSend: "all" };
      const headers = input.httpHeaders ?? (input.sharedSecret !== undefined ? `shared-secret:${input.sharedSecret}` : undefined);
      if (headers !== undefined) consumerInputs.httpHeaders = headers;
      const sub = buildSubscription(
        state,
        org,
        {
          publisherId: "tfs",
          eventType: input.eventType ?? "workitem.updated",
          resourceVersion: input.resourceVersion ?? "1.0",
          consumerId: "webHooks",
          consumerActionId: "httpRequest",
          publisherInputs: input.projectId ? { projectId: input.projectId } : {},
          consumerInputs,
        },
        actor(org, input.by),
      );
      if (isResponse(sub)) throw new ControlError(String((sub.body as { message?: string }).message));
      org.subscriptions.set(sub.id, sub);
      return sub.id;
    },
    subscriptions(org: string): HookSubscription[] {
      return [...orgOf(org).subscriptions.values()].map((s) => ({ ...s, publisherInputs: { ...s.publisherInputs }, consumerInputs: { ...s.consumerInputs } }));
    },
    /** Sets a subscription's status (e.g. `disabledBySystem`, as Azure does after repeated failures). */
    setSubscriptionStatus(id: string, status: HookSubscription["status"]): void {
      for (const org of state.organizations.values()) {
        const sub = org.subscriptions.get(id);
        if (sub) {
          sub.status = status;
          if (status === "enabled") sub.consecutiveFailures = 0;
          return;
        }
      }
      throw new ControlError(`unknown subscription ${id}`);
    },
    /** Sends every delivery here instead of each subscription's consumer URL (undefined: back to the consumer URLs). */
    setWebhookUrl(url: string | undefined): void {
      state.webhookUrl = url;
    },
    /** Holds deliveries back until `releaseDeliveries`. */
    holdDeliveries(): void {
      deliveries.hold();
    },
    /** Sends held deliveries, in order or reversed (to test out-of-order arrival). */
    releaseDeliveries(order: "fifo" | "reverse" = "fifo"): Promise<Array<Delivery | undefined>> {
      return deliveries.release(order);
    },
    heldDeliveries(): number {
      return deliveries.heldCount();
    },
    /** Sends a past notification again, unchanged (default: the latest). */
    redeliver(index = -1): Promise<Delivery | undefined> {
      return deliveries.redeliver(index);
    },
    /** Every notification sent so far (newest last). */
    notifications(): SentNotification[] {
      return [...deliveries.sent];
    },
    /** Resolves when every delivery started so far (including those REST changes trigger) has been answered. */
    deliveriesSettled(): Promise<void> {
      return deliveries.settled();
    },
    setTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError("seconds must be a non-negative number");
      state.accessTokenLifetimeSeconds = Math.floor(seconds);
    },
    setRefreshTokenLifetime(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError("seconds must be a non-negative number");
      state.refreshTokenLifetimeSeconds = Math.floor(seconds);
    },
    /** Makes both token endpoints answer only after this many milliseconds. */
    setTokenEndpointDelay(ms: number): void {
      state.tokenEndpointDelayMs = Math.max(0, ms);
    },
    /** Whose consent the authorize endpoints give. */
    setAuthorizingUser(email: string): void {
      state.authorizingUserId = userOf(email).id;
    },
    /** Makes the authorize endpoints approve or deny (redirect with `error=access_denied`). */
    setConsent(decision: "approve" | "deny"): void {
      state.consent = decision;
    },
    /** An authorization code as the authorize endpoint would give, for the flow's registered redirect URL. */
    authorizationCode(input: { flow?: TokenFlow; email?: string; scopes?: string[] } = {}): string {
      const flow = input.flow ?? "legacy";
      const user = input.email ? userOf(input.email) : state.users.values().next().value;
      if (!user) throw new ControlError("no user to authorize");
      if (flow === "entra") return issueEntraCode(state, user.id, input.scopes ?? ["499b84ac-1321-427f-aa17-267ca6975798/.default", "offline_access"], state.entraApp.redirectUrl);
      const app = flow === "legacy" ? state.legacyApps.full : state.legacyApps.limited;
      return issueLegacyCode(state, app, user.id, input.scopes ?? app.scopes, app.redirectUrl);
    },
    /** Mints a token pair directly (a grant as if the user had authorized the app). */
    issueTokens(input: { flow?: TokenFlow; email?: string; scopes?: string[] } = {}): { accessToken: string; refreshToken: string; expiresIn: number } {
      const flow = input.flow ?? "legacy";
      const user = input.email ? userOf(input.email) : state.users.values().next().value;
      if (!user) throw new ControlError("no user to issue tokens for");
      const clientId = flow === "entra" ? state.entraApp.clientId : flow === "legacy" ? state.legacyApps.full.appId : state.legacyApps.limited.appId;
      const scopes = input.scopes ?? (flow === "entra" ? ["499b84ac-1321-427f-aa17-267ca6975798/.default", "offline_access"] : flow === "legacy" ? LEGACY_FULL_SCOPES : state.legacyApps.limited.scopes);
      const pair = issueTokens(state, createGrant(state, flow === "entra" ? "entra" : "legacy", clientId, user.id, scopes));
      return { accessToken: pair.accessToken, refreshToken: pair.refreshToken as string, expiresIn: pair.expiresIn };
    },
    /** Revokes the family of this refresh (or access) token: its next refresh is `invalid_grant`, its access tokens get 401. */
    revokeRefreshToken(token: string): boolean {
      return revokeFamily(state, token);
    },
    /** Revokes every authorization a user gave (the user revoked the app in their profile). Returns how many. */
    revokeUserAuthorizations(email: string): number {
      const user = userOf(email);
      let count = 0;
      for (const grant of state.grants.values()) {
        if (grant.userId === user.id && !grant.revoked) {
          grant.revoked = true;
          count++;
        }
      }
      return count;
    },
    /** Regenerates a legacy app's client secret: the old one is refused and every token minted under it stops working. */
    regenerateClientSecret(app: "full" | "limited" = "full"): string {
      const registration = state.legacyApps[app];
      registration.clientSecret = legacyClientSecret(registration.appId, state.clock.nowSeconds());
      registration.secretVersion++;
      return registration.clientSecret;
    },
    /**
     * Token endpoint calls per `<endpoint>:<grant>` (`legacy:jwt-bearer`, `legacy:refresh_token`,
     * `entra:authorization_code`, `entra:refresh_token`), with refresh totals across both endpoints.
     */
    tokenStats(): { byGrant: Record<string, TokenRequestCount>; refreshRequests: number; refreshesIssued: number } {
      const byGrant = Object.fromEntries([...state.tokenCounts].map(([k, v]) => [k, { ...v }]));
      const refresh = [...state.tokenCounts].filter(([k]) => k.endsWith(":refresh_token")).map(([, v]) => v);
      return { byGrant, refreshRequests: refresh.reduce((n, v) => n + v.requests, 0), refreshesIssued: refresh.reduce((n, v) => n + v.issued, 0) };
    },
    resetTokenStats(): void {
      state.tokenCounts.clear();
    },
  };
  return control;
}

export type AzureDevopsControl = ReturnType<typeof createAzureControl>;
