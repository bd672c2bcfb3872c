/** The linked ticket an outbound change is for. */
export interface OutboundTicket {
  integrationId: number;
  organizationId: number;
  externalIssueId: number;
  key: string;
  /** The organization-integration's config (status mappings, project keys...). */
  config: Record<string, unknown>;
}

/** The person a ticket should be assigned to, as providers look people up. */
export interface OutboundAssignee {
  email: string;
  name: string;
  /** The person's names at this integration's provider, from external users (e.g. `@octocat`). */
  externalNames: string[];
}

/**
 * How sync reaches one provider; each provider folder fills one in (DESIGN: sync never imports a
 * provider). Implementations throw on failure; the job retries.
 */
export interface IssueSyncProvider {
  /** Assigns the ticket to the person (found by email at the provider), or unassigns it (null). */
  assignTicket(ticket: OutboundTicket, assignee: OutboundAssignee | null): Promise<void>;
  /**
   * How the provider's webhook will name this person when it echoes our change (a login such as
   * `@octocat`); the email when absent. Known before the call, since the echo can beat the response.
   */
  echoValueFor?(assignee: OutboundAssignee): string;
  /** Moves the ticket to the state the organization maps for resolved / unresolved. */
  setTicketResolved(ticket: OutboundTicket, resolved: boolean): Promise<void>;
}

const providers = new Map<string, (integrationId: number) => Promise<IssueSyncProvider>>();

/** Registers the factory of a provider's sync client, by integration provider name (`github`, `vsts`...). */
export function registerIssueSyncProvider(provider: string, factory: (integrationId: number) => Promise<IssueSyncProvider>): void {
  providers.set(provider, factory);
}

/** The sync client for an integration's provider, or undefined when the provider has none. */
export async function issueSyncProviderFor(provider: string, integrationId: number): Promise<IssueSyncProvider | undefined> {
  const factory = providers.get(provider);
  return factory ? factory(integrationId) : undefined;
}
