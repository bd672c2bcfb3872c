import { resolve } from "node:path";
import { z } from "zod";

/** Every setting Switchboard reads; each is listed in the README with its environment variable. */
export interface Config {
  port: number;
  host: string;
  /** Public base URL that providers and browsers use to reach this service. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Vault keys: `kid:base64key` entries separated by commas, newest first; or one bare base64 key. */
  secretKey: string | undefined;
  logLevel: string;
  /** Seconds before expiry at which a credential counts as expired (D1). */
  refreshMarginSeconds: number;
  /** Whether the in-process queue worker runs inside `serve` (embedded mode default). */
  runWorker: boolean;
  /** Outbound targets in private ranges allowed (loopback for tests and simulators). */
  allowPrivateTargets: string[];
  bitbucket: BitbucketSettings;
  github: GithubSettings;
  opsgenie: OpsgenieSettings;
  azureDevops: AzureDevopsSettings;
}

/** The Azure DevOps apps Switchboard acts as: the legacy app (full and limited scopes) and the Entra ID app. */
export interface AzureDevopsSettings {
  appId: string | undefined;
  /** Legacy client secret (a JWT sent as `client_assertion`). */
  clientSecret: string | undefined;
  /** The app registered without `vso.code`; its secret refreshes identities that lack that scope (§1.5). */
  limitedAppId: string | undefined;
  limitedClientSecret: string | undefined;
  entraClientId: string | undefined;
  entraClientSecret: string | undefined;
  /** The callback registered for the apps; the legacy token endpoint requires it on every refresh. */
  redirectUrl: string | undefined;
  /** app.vssps.visualstudio.com: legacy token endpoint, profile, accounts. */
  vsspsUrl: string;
  /** login.microsoftonline.com: Entra ID v2 token endpoint. */
  loginUrl: string;
}

/** Bitbucket Cloud (Atlassian Connect). */
export interface BitbucketSettings {
  /** Where Connect install keys are fetched by kid (`<url><kid>`) to verify lifecycle callbacks (D11). */
  installKeysUrl: string;
}

/** Opsgenie's API bases per region (an account may also name its own base URL). */
export interface OpsgenieSettings {
  apiUrl: string;
  euApiUrl: string;
  /** Per-request timeout of Opsgenie calls, in milliseconds. */
  timeoutMs: number;
}

/** The GitHub App Switchboard acts as. */
export interface GithubSettings {
  appId: string | undefined;
  /** PEM (PKCS#1 or PKCS#8); `\n` escapes are accepted for one-line environment values. */
  privateKey: string | undefined;
  webhookSecret: string | undefined;
  /** A previous secret still accepted while a rotation is under way. */
  previousWebhookSecret: string | undefined;
  /** Epoch ms after which the previous secret is refused (the end of the rotation window); undefined: until it is removed. */
  previousWebhookSecretUntil: number | undefined;
  /** Require `X-Hub-Signature-256` (refuse SHA-1-only deliveries). */
  requireSha256: boolean;
  apiUrl: string;
}

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  publicUrl: z.string().url(),
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1).optional(),
  redisUrl: z.string().min(1).optional(),
  secretKey: z.string().min(1).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  refreshMarginSeconds: z.coerce.number().int().min(0).max(3600),
  runWorker: z.boolean(),
  allowPrivateTargets: z.array(z.string()),
  opsgenie: z.object({ apiUrl: z.string().url(), euApiUrl: z.string().url(), timeoutMs: z.coerce.number().int().min(100).max(120_000) }),
  bitbucket: z.object({ installKeysUrl: z.string().url() }),
  github: z.object({
    appId: z.string().regex(/^\d+$/, "GITHUB_APP_ID must be numeric").optional(),
    privateKey: z.string().optional(),
    webhookSecret: z.string().optional(),
    previousWebhookSecret: z.string().optional(),
    previousWebhookSecretUntil: z
      .string()
      .refine((v) => Number.isFinite(Date.parse(v)), "GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL must be an ISO-8601 instant")
      .transform((v) => Date.parse(v))
      .optional(),
    requireSha256: z.boolean(),
    apiUrl: z.string().url(),
  }),
  azureDevops: z.object({
    appId: z.string().optional(),
    clientSecret: z.string().optional(),
    limitedAppId: z.string().optional(),
    limitedClientSecret: z.string().optional(),
    entraClientId: z.string().optional(),
    entraClientSecret: z.string().optional(),
    redirectUrl: z.string().url().optional(),
    vsspsUrl: z.string().url(),
    loginUrl: z.string().url(),
  }),
});

/** Command-line flags that override the environment (`--port 8080`, `--data-dir ./x`). */
export type ConfigFlags = Partial<Record<"port" | "host" | "url" | "data-dir" | "database-url" | "redis-url" | "log-level" | "worker", string>>;

/** Reads the configuration from environment variables, overridden by CLI flags. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const port = flags.port ?? env.PORT ?? "9000";
  const host = flags.host ?? env.HOST ?? "127.0.0.1";
  const raw = {
    port,
    host,
    publicUrl: stripSlash(flags.url ?? env.SWITCHBOARD_URL ?? `http://localhost:${port}`),
    dataDir: resolve(flags["data-dir"] ?? env.SWITCHBOARD_DATA_DIR ?? "./data"),
    databaseUrl: emptyToUndefined(flags["database-url"] ?? env.DATABASE_URL),
    redisUrl: emptyToUndefined(flags["redis-url"] ?? env.REDIS_URL),
    secretKey: emptyToUndefined(env.SWITCHBOARD_SECRET_KEY),
    logLevel: flags["log-level"] ?? env.LOG_LEVEL ?? "info",
    refreshMarginSeconds: env.SWITCHBOARD_REFRESH_MARGIN_SECONDS ?? "60",
    runWorker: (flags.worker ?? env.SWITCHBOARD_WORKER ?? "auto") !== "off",
    allowPrivateTargets: (env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    opsgenie: {
      apiUrl: stripSlash(emptyToUndefined(env.OPSGENIE_API_URL) ?? "https://api.opsgenie.com"),
      euApiUrl: stripSlash(emptyToUndefined(env.OPSGENIE_EU_API_URL) ?? "https://api.eu.opsgenie.com"),
      timeoutMs: env.OPSGENIE_TIMEOUT_MS ?? "10000",
    },
    bitbucket: { installKeysUrl: emptyToUndefined(env.BITBUCKET_INSTALL_KEYS_URL) ?? "https://connect-install-keys.atlassian.com/" },
    github: {
      appId: emptyToUndefined(env.GITHUB_APP_ID),
      privateKey: emptyToUndefined(env.GITHUB_APP_PRIVATE_KEY)?.replace(/\\n/g, "\n"),
      webhookSecret: emptyToUndefined(env.GITHUB_WEBHOOK_SECRET),
      previousWebhookSecret: emptyToUndefined(env.GITHUB_WEBHOOK_PREVIOUS_SECRET),
      previousWebhookSecretUntil: emptyToUndefined(env.GITHUB_WEBHOOK_PREVIOUS_SECRET_UNTIL),
      requireSha256: env.GITHUB_REQUIRE_SHA256 === "true",
      apiUrl: stripSlash(emptyToUndefined(env.GITHUB_API_URL) ?? "https://api.github.com"),
    },
    azureDevops: {
      appId: emptyToUndefined(env.AZURE_DEVOPS_APP_ID),
      clientSecret: emptyToUndefined(env.AZURE_DEVOPS_CLIENT_SECRET),
      limitedAppId: emptyToUndefined(env.AZURE_DEVOPS_LIMITED_APP_ID),
      limitedClientSecret: emptyToUndefined(env.AZURE_DEVOPS_LIMITED_CLIENT_SECRET),
      entraClientId: emptyToUndefined(env.AZURE_DEVOPS_ENTRA_CLIENT_ID),
      entraClientSecret: emptyToUndefined(env.AZURE_DEVOPS_ENTRA_CLIENT_SECRET),
      redirectUrl: emptyToUndefined(env.AZURE_DEVOPS_REDIRECT_URL),
      vsspsUrl: stripSlash(emptyToUndefined(env.AZURE_DEVOPS_VSSPS_URL) ?? "https://app.vssps.visualstudio.com"),
      loginUrl: stripSlash(emptyToUndefined(env.AZURE_DEVOPS_LOGIN_URL) ?? "https://login.microsoftonline.com"),
    },
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data as Config;
}

function stripSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
