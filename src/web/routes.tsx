// Routes of the application; pages need a session, except the login page.
import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { homePath, type SessionUser, useSession } from "./auth/session.js";
import { Layout } from "./components/Layout.js";
import { ErrorState, Loading } from "./components/States.js";
import { AccountPage } from "./pages/AccountPage.js";
import { AnnexeNewPage } from "./pages/AnnexeNewPage.js";
import { AnnexePage } from "./pages/AnnexePage.js";
import { AnnexeVersionPage } from "./pages/AnnexeVersionPage.js";
import { CdiaePage } from "./pages/CdiaePage.js";
import { DepartementRequestsPage } from "./pages/DepartementRequestsPage.js";
import { DialoguePage } from "./pages/DialoguePage.js";
import { FinancingRequestPage } from "./pages/FinancingRequestPage.js";
import { FinancingRequestsPage } from "./pages/FinancingRequestsPage.js";
import { ModulationPage } from "./pages/ModulationPage.js";
import { ControleCampaignPage, ControleCampaignsPage, ControleHomePage } from "./pages/ControleCampaignsPage.js";
import { ControleFilePage, StructureControlesPage } from "./pages/ControleFilePage.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { EnvelopeHomePage, EnvelopePage, StructureEnvelopePage } from "./pages/EnvelopePage.js";
import { DeclarationPage } from "./pages/DeclarationPage.js";
import { ImportPage } from "./pages/ImportPage.js";
import { InvitationPage } from "./pages/InvitationPage.js";
import { ImportRunPage } from "./pages/ImportRunPage.js";
import { DepartementRsaPage, RsaHomeRedirect } from "./pages/DepartementRsaPage.js";
import { FichesSalariePage } from "./pages/FichesSalariePage.js";
import { FicheComplementPage } from "./pages/FicheComplementPage.js";
import { PersonPage } from "./pages/PersonPage.js";
import { PersonsPage } from "./pages/PersonsPage.js";
import { SimulationNextYearPage } from "./pages/SimulationNextYearPage.js";
import { SiaeHomePage } from "./pages/SiaeHomePage.js";
import { FollowUpPage } from "./pages/FollowUpPage.js";
import { SimulationPage } from "./pages/SimulationPage.js";
import { ReportPage } from "./pages/ReportPage.js";
import { StructurePage } from "./pages/StructurePage.js";
import { StructuresPage } from "./pages/StructuresPage.js";
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
        <Route path="/structures" element={guard(<StructuresPage />)} />
        <Route path="/structures/:structureId" element={guard(<StructurePage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/accueil" element={guard(<SiaeHomePage />)} />
        <Route path="/structures/:structureId/suivi" element={guard(<FollowUpPage />)} />
        <Route path="/structures/:structureId/salaries" element={guard(<PersonsPage />)} />
        <Route path="/structures/:structureId/declaration" element={guard(<DeclarationPage />)} />
        <Route path="/structures/:structureId/annexes/nouvelle" element={guard(<AnnexeNewPage />)} />
        <Route path="/structures/:structureId/annexes/:annexId" element={guard(<AnnexePage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/annexes/:annexId/avenant" element={guard(<AnnexeVersionPage />)} />
        <Route path="/structures/:structureId/annexes/:annexId/simulation" element={guard(<SimulationNextYearPage />)} />
        <Route path="/simulation" element={guard(<SimulationPage />)} />
        <Route path="/structures/:structureId/fiches-salarie" element={guard(<FichesSalariePage />)} />
        <Route path="/structures/:structureId/fiches-salarie/:contractId" element={guard(<FicheComplementPage />)} />
        <Route path="/rsa" element={guard(<RsaHomeRedirect user={user as SessionUser} />)} />
        <Route path="/departement/:code/rsa" element={guard(<DepartementRsaPage />)} />
        <Route path="/pilotage" element={guard(<EnvelopeHomePage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/pilotage" element={guard(<StructureEnvelopePage />)} />
        <Route path="/departement/:code/pilotage" element={guard(<EnvelopePage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/demandes" element={guard(<FinancingRequestsPage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/demandes/:year" element={guard(<FinancingRequestPage user={user as SessionUser} />)} />
        <Route path="/structures/:structureId/dialogue/:year" element={guard(<DialoguePage user={user as SessionUser} />)} />
        <Route path="/departement/:code/demandes" element={guard(<DepartementRequestsPage />)} />
        <Route path="/departement/:code/modulation" element={guard(<ModulationPage user={user as SessionUser} />)} />
        <Route path="/departement/:code/cdiae" element={guard(<CdiaePage user={user as SessionUser} />)} />
        <Route path="/controle" element={guard(<ControleHomePage user={user as SessionUser} />)} />
        <Route path="/departement/:code/controle" element={guard(<ControleCampaignsPage user={user as SessionUser} />)} />
        <Route path="/departement/:code/controle/:campaignId" element={guard(<ControleCampaignPage />)} />
        <Route path="/structures/:structureId/controle" element={guard(<StructureControlesPage />)} />
        <Route path="/structures/:structureId/controle/:campaignId" element={guard(<ControleFilePage user={user as SessionUser} />)} />
        <Route path="/salaries/:personId" element={guard(<PersonPage />)} />
        <Route path="/imports" element={guard(<ImportPage />)} />
        <Route path="/imports/:importRunId" element={guard(<ImportRunPage />)} />
        <Route path="/rapport" element={guard(<ReportPage user={user as SessionUser} />)} />
        <Route path="/mon-compte" element={guard(<AccountPage user={user as SessionUser} />)} />
        <Route path="/invitation/:token" element={<InvitationPage user={user} />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}
