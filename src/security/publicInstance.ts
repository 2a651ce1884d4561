// A public instance is one real people reach: served over https (PASSERELLE_PUBLIC_URL) or started with
// NODE_ENV=production. The demo, whose accounts share a published password, is never loaded on one, and
// a demo account (…@demo.passerelle.test) can never log in on one, whatever its database holds.
import { DEMO_EMAIL_DOMAIN } from "../demo/demoAccounts.js";

export function isPublicInstance(publicUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return (publicUrl ?? env.PASSERELLE_PUBLIC_URL ?? "").trim().toLowerCase().startsWith("https://") || env.NODE_ENV === "production";
}

export function isDemoEmail(email: string): boolean {
  return email.trim().toLowerCase().endsWith(`@${DEMO_EMAIL_DOMAIN}`);
}
