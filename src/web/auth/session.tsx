// The logged-in user, from GET /api/v1/auth/me; login / logout through the auth API.
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { login, logout, me, type SecondFactorChallenge, type UserView } from "../../contracts/account.js";
import { ApiError, call, setCsrfToken } from "../api/client.js";

export type SessionUser = UserView;
export type Role = UserView["role"];

export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: async (): Promise<SessionUser | null> => {
      try {
        const session = await call(me);
        setCsrfToken(session.csrfToken);
        return session.user;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** The session just opened becomes the app's: what a previous user may have cached is dropped. */
export function adoptSession(client: QueryClient, user: SessionUser): void {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
  client.setQueryData(["session"], user);
}

export type LoginOutcome = { user: SessionUser; recoveryCodes: string[] } | SecondFactorChallenge;

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    // The answer is a session, or the second factor the account needs (a code, or an enrolment first).
    mutationFn: async (input: { email: string; password: string; code?: string }): Promise<LoginOutcome> => {
      const answer = await call(login, { body: input });
      if ("secondFactor" in answer) return answer;
      setCsrfToken(answer.csrfToken);
      return { user: answer.user, recoveryCodes: answer.recoveryCodes ?? [] };
    },
    onSuccess: (outcome) => {
      // A second factor just enabled: the page shows the recovery codes first, then adopts the session.
      if ("user" in outcome && outcome.recoveryCodes.length === 0) adoptSession(client, outcome.user);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(logout),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(["session"], null);
    },
  });
}

export const roleLabels: Record<Role, string> = {
  national: "DGEFP (national)",
  regional: "DREETS",
  departemental: "DDETS",
  conseil_departemental: "Conseil départemental",
  siae: "SIAE",
  admin: "Administration",
};

export function homePath(user: SessionUser): string {
  switch (user.role) {
    case "siae":
      return user.structureIds[0] !== undefined ? `/structures/${user.structureIds[0]}/accueil` : "/structures";
    case "conseil_departemental":
      return user.departementCode ? `/departement/${user.departementCode}/rsa` : "/rsa";
    default:
      return "/tableau-de-bord";
  }
}
