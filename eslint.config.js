import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "coverage/", ".switchboard/", "src/web/public/vendor/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly",
        setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly",
        setImmediate: "readonly", fetch: "readonly", AbortController: "readonly", TextEncoder: "readonly",
        TextDecoder: "readonly", structuredClone: "readonly", queueMicrotask: "readonly", performance: "readonly",
        document: "readonly", window: "readonly", location: "readonly", history: "readonly", navigator: "readonly",
        localStorage: "readonly", HTMLElement: "readonly", Event: "readonly", URLSearchParams: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error", "warn"] }],
    },
  },
  {
    files: ["src/cli.ts", "src/cli/**/*.ts", "bench/**", "bin/**", "simulators/cli.ts"],
    rules: { "no-console": "off" },
  },
);
