// The server's "today" and the latest year with financial annexes: default month / year of the screens
// (the server clock decides, not the browser's).
import { useQuery } from "@tanstack/react-query";
import { getCalendar } from "../../contracts/referentials.js";
import { call } from "./client.js";

export function useCalendar() {
  return useQuery({
    queryKey: ["calendar"],
    queryFn: () => call(getCalendar),
    staleTime: 10 * 60_000,
  });
}
