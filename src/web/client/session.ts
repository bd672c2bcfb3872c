/** The signed-in user and their organizations, as GET /api/0/auth/session/ answers. */
export interface Session {
  user: { id: string; email: string; name: string };
  organizations: { id: string; slug: string; name: string; role: string }[];
}

const ORG_KEY = "switchboard.organization";
let current: Session | null = null;

/** The session the dashboard runs under (null before login). */
export function session(): Session | null {
  return current;
}

/** Remembers the session after login or on start. */
export function setSession(value: Session | null): void {
  current = value;
}

/** The organization being looked at: the remembered choice when still a member, else the first. */
export function currentOrg(): string {
  const orgs = current?.organizations ?? [];
  const remembered = localStorage.getItem(ORG_KEY);
  return orgs.find((o) => o.slug === remembered)?.slug ?? orgs[0]?.slug ?? "";
}

/** Switches the organization being looked at. */
export function setCurrentOrg(slug: string): void {
  localStorage.setItem(ORG_KEY, slug);
}
