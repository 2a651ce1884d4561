// Page frame: DSFR skip links (first Tab stop: content, menu, footer), header (service "Passerelle",
// navigation by role, logout), main, footer.
import { Footer } from "@codegouvfr/react-dsfr/Footer.js";
import { Header } from "@codegouvfr/react-dsfr/Header/index.js";
import { SkipLinks } from "@codegouvfr/react-dsfr/SkipLinks.js";
import { type ReactNode, useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { roleLabels, type SessionUser, useLogout } from "../auth/session.js";
import { DemoNotice } from "./DemoNotice.js";

interface NavItem {
  text: string;
  to: string;
  /**
   * Other pages that belong to this item: address prefixes (the DDETS year's modulation and CDIAE pages) or
   * patterns, which win over any prefix (a structure's contrôle file belongs to "Contrôle", not "Structures").
   */
  also?: readonly (string | RegExp)[];
}

function navigationFor(user: SessionUser | null): NavItem[] {
  if (!user) return [];
  switch (user.role) {
    case "siae": {
      const id = user.structureIds[0];
      if (id === undefined) return [];
      return [
        // The follow-up after exit is one of the home page's to-do items.
        { text: "Accueil", to: `/structures/${id}/accueil`, also: [`/structures/${id}/suivi`] },
        { text: "Salariés", to: `/structures/${id}/salaries` },
        { text: "Déclaration mensuelle", to: `/structures/${id}/declaration` },
        { text: "Fiches salarié", to: `/structures/${id}/fiches-salarie` },
        { text: "Réalisation", to: `/structures/${id}/pilotage` },
        { text: "Demandes de financement", to: `/structures/${id}/demandes` },
        { text: "Contrôle", to: `/structures/${id}/controle` },
        { text: "Ma structure", to: `/structures/${id}` },
      ];
    }
    case "conseil_departemental":
      return [{ text: "Bénéficiaires du RSA", to: user.departementCode ? `/departement/${user.departementCode}/rsa` : "/rsa" }];
    default:
      return [
        { text: "Tableau de bord", to: "/tableau-de-bord" },
        { text: "Structures", to: "/structures" },
        { text: "Pilotage", to: user.departementCode ? `/departement/${user.departementCode}/pilotage` : "/pilotage" },
        ...(user.departementCode
          ? [
              {
                text: "Demandes et CDIAE",
                to: `/departement/${user.departementCode}/demandes`,
                also: [`/departement/${user.departementCode}/modulation`, `/departement/${user.departementCode}/cdiae`],
              },
            ]
          : []),
        {
          text: "Contrôle",
          to: user.departementCode ? `/departement/${user.departementCode}/controle` : "/controle",
          also: [/^\/structures\/\d+\/controle(\/|$)/],
        },
        { text: "Simulation", to: "/simulation" },
        { text: "Imports", to: "/imports" },
        { text: "Rapport annuel", to: "/rapport" },
      ];
  }
}

/**
 * The one navigation item the page belongs to: the item whose address is the longest prefix of the
 * page's ("/structures/12/salaries" belongs to "Salariés", not to "Ma structure" at "/structures/12").
 */
export function activeItem(items: readonly NavItem[], pathname: string): NavItem | undefined {
  const specificity = (place: string | RegExp) =>
    typeof place === "string"
      ? pathname === place || pathname.startsWith(`${place}/`)
        ? place.length
        : -1
      : place.test(pathname)
        ? Infinity
        : -1;
  return items
    .map((item) => ({ item, length: Math.max(...[item.to, ...(item.also ?? [])].map(specificity)) }))
    .filter((m) => m.length >= 0)
    .sort((a, b) => b.length - a.length)[0]?.item;
}

export function Layout({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const nav = navigationFor(user);
  const active = activeItem(nav, location.pathname);
  // Each screen has its own document title ("<h1> — Passerelle"), followed as pages load their data.
  useEffect(() => {
    const main = document.getElementById("contenu");
    if (!main) return;
    const update = () => {
      const h1 = main.querySelector("h1")?.textContent?.trim();
      const title = h1 ? `${h1} — Passerelle` : "Passerelle";
      if (document.title !== title) document.title = title;
    };
    update();
    const observer = new MutationObserver(update);
    observer.observe(main, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  return (
    <>
      <SkipLinks
        links={[
          { label: "Contenu", anchor: "#contenu" },
          ...(nav.length > 0 ? [{ label: "Menu", anchor: "#fr-header-main-navigation" }] : []),
          { label: "Pied de page", anchor: "#fr-footer" },
        ]}
      />
      <Header
        id="fr-header"
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        serviceTitle="Passerelle"
        serviceTagline="Insertion par l'activité économique"
        homeLinkProps={{ to: "/", title: "Accueil — Passerelle" }}
        quickAccessItems={
          user
            ? [
                {
                  iconId: "fr-icon-account-circle-line",
                  text: `${user.displayName} (${roleLabels[user.role]})`,
                  linkProps: { to: "/mon-compte" },
                },
                {
                  iconId: "fr-icon-logout-box-r-line",
                  text: "Se déconnecter",
                  buttonProps: {
                    onClick: () => logout.mutate(undefined, { onSettled: () => navigate("/connexion") }),
                  },
                },
              ]
            : [{ iconId: "fr-icon-lock-line", text: "Se connecter", linkProps: { to: "/connexion" } }]
        }
        navigation={nav.map((item) => ({
          text: item.text,
          linkProps: { to: item.to },
          isActive: item === active,
        }))}
      />
      <main id="contenu" className="fr-container fr-py-4w passerelle-main" tabIndex={-1}>
        <DemoNotice />
        {children}
      </main>
      <Footer
        id="fr-footer"
        accessibility="partially compliant"
        contentDescription="Passerelle, système d'information de l'insertion par l'activité économique. Logiciel libre (AGPL-3.0)."
        bottomItems={[{ text: "Documentation de l'API", linkProps: { href: "/api/docs" } }]}
      />
    </>
  );
}
