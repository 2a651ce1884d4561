// The user as the web app sees it (API contract of /api/v1/auth/login and /api/v1/auth/me).
import { z } from "zod";
import type { Principal } from "./principal.js";

export const userViewSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(["national", "regional", "departemental", "conseil_departemental", "siae", "admin"]),
  departementCode: z.string().nullable(),
  regionCode: z.string().nullable(),
  structureIds: z.array(z.number().int()),
});

export const sessionViewSchema = z.object({ user: userViewSchema, csrfToken: z.string() });

export function userView(p: Principal): z.infer<typeof userViewSchema> {
  return {
    id: p.userId,
    email: p.email,
    displayName: p.displayName,
    role: p.role,
    departementCode: p.departementCode,
    regionCode: p.regionCode,
    structureIds: [...p.structureIds],
  };
}
