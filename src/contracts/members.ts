// Members of a structure and membership invitations by link. Targets: the structure of the path, or the
// member / invitation within it. The invitation link itself (public) names only its token.
import { z } from "zod";
import { MIN_PASSWORD_LENGTH, SessionView } from "./account.js";
import { defineContract } from "./contract.js";
import { structureTarget } from "./structures.js";
import { idParam } from "./target.js";

export const Member = z.object({
  userId: z.number().int(),
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  since: z.string(),
});
export const INVITATION_STATES = ["pending", "expired", "accepted"] as const;
export const InvitationView = z.object({
  id: z.number().int(),
  email: z.string(),
  isAdmin: z.boolean(),
  expiresAt: z.string(),
  state: z.enum(INVITATION_STATES),
});

const memberTarget = {
  params: z.strictObject({ structureId: idParam("structure"), userId: idParam("utilisateur") }),
  resolve: ({ structureId, userId }: { structureId: number; userId: number }) => ({ type: "member" as const, structureId, userId }),
};
const invitationTarget = {
  params: z.strictObject({ structureId: idParam("structure"), invitationId: idParam("invitation") }),
  resolve: ({ structureId, invitationId }: { structureId: number; invitationId: number }) => ({
    type: "invitation" as const,
    structureId,
    invitationId,
  }),
};
const tokenParams = z.strictObject({ token: z.string().min(20).max(100) });

export const listMembers = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/members",
  tags: ["membres"],
  summary: "Membres de la structure",
  target: structureTarget,
  response: { 200: z.array(Member) },
});
export const updateMember = defineContract({
  method: "PATCH",
  path: "/api/v1/structures/:structureId/members/:userId",
  tags: ["membres"],
  summary: "Nommer ou retirer un administrateur",
  target: memberTarget,
  body: z.object({ isAdmin: z.boolean() }).strict(),
});
export const removeMember = defineContract({
  method: "DELETE",
  path: "/api/v1/structures/:structureId/members/:userId",
  tags: ["membres"],
  summary: "Retirer un membre de la structure",
  target: memberTarget,
});
export const createInvitation = defineContract({
  method: "POST",
  path: "/api/v1/structures/:structureId/invitations",
  tags: ["membres"],
  summary: "Inviter une personne à rejoindre la structure (lien valable 7 jours, envoyé à son adresse e-mail seulement)",
  target: structureTarget,
  body: z.object({ email: z.email().max(254), isAdmin: z.boolean().default(false) }).strict(),
  response: {
    // The link is a credential: it goes to the invited mailbox ("email"), or on a local instance without
    // SMTP to the server console ("console"); never in this answer.
    201: z.object({
      id: z.number().int(),
      email: z.string(),
      isAdmin: z.boolean(),
      expiresAt: z.string(),
      delivery: z.enum(["email", "console"]),
    }),
  },
});
export const listInvitations = defineContract({
  method: "GET",
  path: "/api/v1/structures/:structureId/invitations",
  tags: ["membres"],
  summary: "Invitations de la structure",
  target: structureTarget,
  response: { 200: z.array(InvitationView) },
});
export const deleteInvitation = defineContract({
  method: "DELETE",
  path: "/api/v1/structures/:structureId/invitations/:invitationId",
  tags: ["membres"],
  summary: "Retirer une invitation",
  target: invitationTarget,
});
export const getInvitation = defineContract({
  method: "GET",
  path: "/api/v1/invitations/:token",
  tags: ["membres"],
  summary: "Ce qu'une invitation propose (lien reçu par e-mail)",
  params: tokenParams,
  response: {
    200: z.object({
      email: z.string(),
      structureName: z.string(),
      isAdmin: z.boolean(),
      expiresAt: z.string(),
      accountExists: z.boolean(),
    }),
  },
});
export const acceptInvitation = defineContract({
  method: "POST",
  path: "/api/v1/invitations/:token/accept",
  tags: ["membres"],
  summary: "Accepter une invitation (crée le compte, ou rejoint la structure si déjà connecté)",
  params: tokenParams,
  body: z
    .object({
      displayName: z.string().trim().min(2).max(120).optional(),
      password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
    })
    .strict()
    .default({}),
  response: { 200: SessionView },
});
