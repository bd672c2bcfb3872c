import { defineConfig } from "vitest/config";

const reportFile = process.env.SWITCHBOARD_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: process.env.SWITCHBOARD_BROWSER_TESTS === "0" ? ["test/browser/**"] : [],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: reportFile ? ["default", ["json", { outputFile: reportFile }]] : ["default"],
  },
});
