// The server's "today" and the latest year with financial annexes: default month / year of the screens
// (the server clock decides, not the browser's).
import { useQuery } from "@tanstack/react-query";
import { api } from "./client.js";
import type { Calendar } from "./types.js";

export function useCalendar() {
  return useQuery({
    queryKey: ["calendar"],
    queryFn: () => api.get<Calendar>("/api/v1/referentials/calendar"),
    staleTime: 10 * 60_000,
  });
}
