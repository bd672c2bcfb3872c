/** Organization feature switches (D16) and their defaults; absent keys take the default. */
export const FEATURE_DEFAULTS = {
  "integrations-issue-sync": true,
  "integrations-codeowners": true,
  "team-workflow-notifications": false,
} as const;

export type FeatureName = keyof typeof FEATURE_DEFAULTS;

/** Whether `name` is on, given an organization's stored `features` JSON. */
export function isFeatureEnabled(featuresJson: string | null | undefined, name: FeatureName): boolean {
  let stored: Record<string, unknown>;
  try {
    stored = featuresJson ? (JSON.parse(featuresJson) as Record<string, unknown>) : {};
  } catch {
    stored = {};
  }
  const value = stored[name];
  return typeof value === "boolean" ? value : FEATURE_DEFAULTS[name];
}
