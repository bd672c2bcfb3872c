import type { App } from "../../src/app.js";
import { createApiToken } from "../../src/store/api-tokens.js";
import { createOrganization } from "../../src/store/organizations.js";

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API answered
  body: any;
  headers: Headers;
}

/** A JSON client for the API at `baseUrl`, authenticating with `token` unless told otherwise. */
export function apiClient(baseUrl: string, token: string | null) {
  return async (method: string, path: string, body?: unknown, auth: string | null = token): Promise<ApiResponse> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** An organization with an API token for it. */
export async function organizationWithToken(app: App, slug: string): Promise<{ id: number; slug: string; token: string }> {
  const org = await createOrganization(app, { name: slug, slug });
  const { token } = await createApiToken(app.store.db, org.id, "test", new Date().toISOString());
  return { id: org.id, slug: org.slug, token };
}
