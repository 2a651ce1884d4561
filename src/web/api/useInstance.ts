// Whether this instance is a demonstration, and the date its data stand at (public: shown on every page,
// the login page included). The date comes from the server's one clock, never from the browser.
import { useQuery } from "@tanstack/react-query";
import { getInstance } from "../../contracts/referentials.js";
import { call } from "./client.js";

export function useInstance() {
  return useQuery({ queryKey: ["instance"], queryFn: () => call(getInstance), staleTime: Number.POSITIVE_INFINITY });
}
