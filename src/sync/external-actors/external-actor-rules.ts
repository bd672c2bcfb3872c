/** Providers an external actor may name (§10), and those whose names must look like `@login`. */
export const EXTERNAL_ACTOR_PROVIDERS = ["github", "github_enterprise", "gitlab", "slack", "msteams", "custom", "vsts", "jira_server", "bitbucket"] as const;
export const STRICT_NAME_PROVIDERS = new Set(["github", "github_enterprise", "gitlab"]);

const STRICT_NAME = /^@[\w/.-]+$/;

/** §10's field rules; returns Sentry's messages by field (empty when valid). */
export function externalActorFieldErrors(input: {
  provider?: unknown;
  externalName?: unknown;
  externalId?: unknown;
  integrationId?: unknown;
}, required: boolean): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  for (const field of ["provider", "externalName", "integrationId"] as const) {
    if (required && (input[field] === undefined || input[field] === null || input[field] === "")) add(field, "This field is required.");
  }
  if (input.provider !== undefined && input.provider !== null && input.provider !== "") {
    if (typeof input.provider !== "string" || !(EXTERNAL_ACTOR_PROVIDERS as readonly string[]).includes(input.provider)) {
      add("provider", `"${String(input.provider)}" is not a valid choice.`);
    }
  }
  if (typeof input.externalName === "string" && input.externalName !== "") {
    const name = input.externalName;
    if (name.length < 1 || name.length > 255) add("externalName", `External Name has invalid length: ${name.length}. Length must be between 1 and 255`);
    else if (typeof input.provider === "string" && STRICT_NAME_PROVIDERS.has(input.provider) && !STRICT_NAME.test(name)) {
      add("externalName", "External Name must start with '@' and can't contain special characters or spaces.");
    }
  } else if (input.externalName !== undefined && input.externalName !== null && input.externalName !== "") {
    add("externalName", "Not a valid string.");
  }
  if (typeof input.externalId === "string" && input.externalId.length > 64) {
    add("externalId", `external_id has invalid length: ${input.externalId.length}. Length must be between 1 and 64`);
  }
  if (input.integrationId !== undefined && input.integrationId !== null && input.integrationId !== "" && !/^\d+$/.test(String(input.integrationId))) {
    add("integrationId", "A valid integer is required.");
  }
  return errors;
}
