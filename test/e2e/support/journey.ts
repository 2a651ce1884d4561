// Per-file setup of a browser journey: app + Chromium started once, screenshot of the current page
// when a test fails.
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchBrowser } from "./browser.js";
import { type RunningApp, startApp } from "./server.js";
import { screenshotOnFailure } from "./browser.js";

export interface JourneyState {
  app: RunningApp;
  browser: Browser;
  /** The page a test is driving; captured on failure. */
  page?: Page;
}

/** True when the pieces a journey depends on (demo loader, auth plugin) are in the code base. */
export const demoAvailable = existsSync(new URL("../../../src/demo/loadDemo.ts", import.meta.url));

export function useJourney(): JourneyState {
  const state = {} as JourneyState;
  // Building the demo database the first time takes minutes on PGlite (then it is a cached dump).
  beforeAll(async () => {
    state.app = await startApp({ demo: demoAvailable });
    state.browser = await launchBrowser();
  }, 20 * 60_000);
  afterEach(async (ctx) => {
    await screenshotOnFailure(state.page, ctx.task.name, ctx.task.result?.state === "fail");
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.app?.close();
  });
  return state;
}
