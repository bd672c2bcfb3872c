import { AppError } from "../../domain/errors.js";
import type { JiraServerClient } from "./client.js";
import type { JiraUser } from "./issues.js";

/** `GET /rest/api/2/user?username=`: one user by username. */
export function getUserByName(client: JiraServerClient, username: string): Promise<JiraUser> {
  return client.request<JiraUser>("GET", "/rest/api/2/user", { query: { username } });
}

/**
 * The active user whose email is exactly `email` (case-insensitive). Jira Server's user search matches
 * prefixes of usernames, names and emails, so the answer is filtered; several exact matches are refused
 * rather than guessed.
 */
export async function findUserByEmail(client: JiraServerClient, email: string): Promise<JiraUser> {
  const candidates = await client.request<JiraUser[]>("GET", "/rest/api/2/user/search", { query: { username: email, maxResults: 50 } });
  const exact = candidates.filter((u) => u.active !== false && u.emailAddress?.toLowerCase() === email.toLowerCase());
  if (exact.length === 0) throw new AppError("not_found", "jira_server_user_not_found", `No active Jira user has the email ${email}`);
  if (exact.length > 1) throw new AppError("conflict", "jira_server_user_ambiguous", `Several Jira users have the email ${email}; assign the ticket in Jira`);
  return exact[0] as JiraUser;
}
