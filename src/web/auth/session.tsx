// The logged-in user, from GET /api/v1/auth/me; login / logout through the auth API.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, setCsrfToken } from "../api/client.js";

export type Role = "national" | "regional" | "departemental" | "conseil_departemental" | "siae" | "admin";

export interface SessionUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  departementCode: string | null;
  structureIds: number[];
}

interface MeResponse {
  user?: Partial<SessionUser> & { userId?: number };
  csrfToken?: string;
}

function normalise(raw: MeResponse): SessionUser | null {
  const u = raw.user ?? (raw as Partial<SessionUser> & { userId?: number });
  if (!u || typeof u.email !== "string" || typeof u.role !== "string") return null;
  return {
    id: Number(u.id ?? u.userId ?? 0),
    email: u.email,
    displayName: u.displayName ?? u.email,
    role: u.role,
    regionCode: u.regionCode ?? null,
    departementCode: u.departementCode ?? null,
    structureIds: Array.isArray(u.structureIds) ? u.structureIds.map(Number) : [],
  };
}

export function useSession() {
  return useQuery({
    queryKey: ["session"],
    queryFn: async (): Promise<SessionUser | null> => {
      try {
        const me = await api.get<MeResponse>("/api/v1/auth/me");
        if (me.csrfToken) setCsrfToken(me.csrfToken);
        return normalise(me);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { email: string; password: string }) => {
      const res = await api.post<MeResponse>("/api/v1/auth/login", input);
      if (res.csrfToken) setCsrfToken(res.csrfToken);
      const user = normalise(res);
      if (!user) throw new ApiError(500, "Réponse inattendue", "Le serveur n'a pas renvoyé l'utilisateur.");
      return user;
    },
    onSuccess: (user) => {
      // Drop what a previous user may have cached, keep the session just opened.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
      client.setQueryData(["session"], user);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<unknown>("/api/v1/auth/logout"),
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
      return user.structureIds[0] !== undefined ? `/structures/${user.structureIds[0]}/salaries` : "/structures";
    case "conseil_departemental":
      return user.departementCode ? `/departement/${user.departementCode}/rsa` : "/rsa";
    default:
      return "/tableau-de-bord";
  }
}
