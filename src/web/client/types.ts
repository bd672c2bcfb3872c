/** An issue as the issue endpoints return it. */
export interface Issue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  count: string;
  firstSeen: string;
  lastSeen: string;
  project: { id: string; slug: string; name: string };
  assignedTo: { type: "user" | "team"; id: string; name: string; email?: string | null } | null;
}

/** A ticket an issue is linked to. */
export interface ExternalIssue {
  id: string;
  key: string;
  title: string | null;
  url: string | null;
  integrationId: string;
  integrationName: string;
  provider: string;
  displayName: string;
}

export interface Member {
  id: string;
  email: string;
  name: string;
  user: { id: string; username: string; email: string; name: string };
}

export interface Team {
  id: string;
  slug: string;
  name: string;
}

export interface Project {
  id: string;
  slug: string;
  name: string;
}
