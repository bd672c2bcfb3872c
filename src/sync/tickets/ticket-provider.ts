/** A ticket as every provider can describe it (for link, create and search). */
export interface TicketSummary {
  /** The key a ticket is linked by: `owner/repo#12` (GitHub), the work item id (Azure), `PROJ-7` (Jira), `workspace/repo#3` (Bitbucket). */
  key: string;
  title: string;
  url: string;
  /** Provider-specific status name, e.g. `open`, `Active`, `In Progress`. */
  status: string;
  description?: string;
}

/** What a new ticket is made from: the group's title and a description with a link back. */
export interface NewTicket {
  title: string;
  description: string;
  /** Where to create it, from the org integration's config or the request: a repo, a project key... */
  container?: string;
}

/**
 * How the external-issue API reaches one provider's tickets; each provider folder fills one in.
 * Implementations throw typed errors (`not_found` when a ticket does not exist).
 */
export interface TicketProvider {
  getTicket(key: string): Promise<TicketSummary>;
  createTicket(ticket: NewTicket, config: Record<string, unknown>): Promise<TicketSummary>;
  /** Tickets matching free text (GitHub search, WIQL, JQL, Bitbucket's query), at most `limit`. */
  searchTickets(query: string, config: Record<string, unknown>, limit: number): Promise<TicketSummary[]>;
}

const providers = new Map<string, (integrationId: number) => Promise<TicketProvider>>();

/** Registers a provider's ticket client factory, by integration provider name (`github`, `vsts`, `jira_server`, `bitbucket`). */
export function registerTicketProvider(provider: string, factory: (integrationId: number) => Promise<TicketProvider>): void {
  providers.set(provider, factory);
}

/** The ticket client for an integration, or undefined when its provider has none. */
export async function ticketProviderFor(provider: string, integrationId: number): Promise<TicketProvider | undefined> {
  const factory = providers.get(provider);
  return factory ? factory(integrationId) : undefined;
}
