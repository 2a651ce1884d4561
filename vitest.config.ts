import { defineConfig } from "vitest/config";

// Three groups of tests (see README "Tests"):
//  - unit:    *.test.ts beside the code, pure logic, no database
//  - db:      *.db.test.ts, run on PGlite by default, on PostgreSQL when TEST_DATABASE_URL is set
//  - browser: test/e2e/*.e2e.test.ts, Chromium through playwright-core (scripts/test.mjs decides)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "db",
          include: ["src/**/*.db.test.ts", "test/**/*.db.test.ts", "bench/**/*.db.test.ts"],
          globalSetup: ["test/support/db-global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/e2e/**/*.e2e.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
