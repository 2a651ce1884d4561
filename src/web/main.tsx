// Entry of the web application: DSFR start, TanStack Query, routes.
import "@codegouvfr/react-dsfr/main.css";
import "./app.css";
import { startReactDsfr } from "@codegouvfr/react-dsfr/spa.js";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link } from "react-router-dom";
import { AppRoutes } from "./routes.js";

startReactDsfr({ defaultColorScheme: "light", Link });

declare module "@codegouvfr/react-dsfr/spa.js" {
  interface RegisterLink {
    Link: typeof Link;
  }
}

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } },
});

const root = document.getElementById("root");
if (!root) throw new Error("#root manquant");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
