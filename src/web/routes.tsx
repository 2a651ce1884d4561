// Routes of the application; pages need a session, except the login page.
import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { homePath, type SessionUser, useSession } from "./auth/session.js";
import { Layout } from "./components/Layout.js";
import { ErrorState, Loading } from "./components/States.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { LoginPage } from "./pages/LoginPage.js";
import { NotFoundPage } from "./pages/NotFoundPage.js";

function RequireUser({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  const location = useLocation();
  if (!user) return <Navigate to="/connexion" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

export function AppRoutes() {
  const session = useSession();
  if (session.isPending) {
    return (
      <Layout user={null}>
        <Loading />
      </Layout>
    );
  }
  // When the session cannot be read, the login page stays reachable, with the error above it.
  const user = session.isError ? null : session.data;
  const guard = (page: ReactNode) => <RequireUser user={user}>{page}</RequireUser>;
  return (
    <Layout user={user}>
      {session.isError && <ErrorState error={session.error} />}
      <Routes>
        <Route path="/" element={user ? <Navigate to={homePath(user)} replace /> : <Navigate to="/connexion" replace />} />
        <Route path="/connexion" element={user ? <Navigate to={homePath(user)} replace /> : <LoginPage />} />
        <Route path="/tableau-de-bord" element={guard(<DashboardPage user={user as SessionUser} />)} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}
