import { describe, expect, it } from "vitest";
import { activeItem } from "./Layout.js";

const items = [
  { text: "Structures", to: "/structures" },
  { text: "Demandes et CDIAE", to: "/departement/62/demandes", also: ["/departement/62/modulation", "/departement/62/cdiae"] },
  { text: "Contrôle", to: "/departement/62/controle", also: [/^\/structures\/\d+\/controle(\/|$)/] },
  { text: "Ma structure", to: "/structures/12" },
  { text: "Salariés", to: "/structures/12/salaries" },
];

describe("the navigation item a page belongs to", () => {
  it.each([
    ["/structures/12/salaries/3", "Salariés"],
    ["/structures/12", "Ma structure"],
    ["/structures/40", "Structures"],
    ["/departement/62/cdiae", "Demandes et CDIAE"],
    ["/departement/62/modulation", "Demandes et CDIAE"],
    ["/structures/40/controle/7", "Contrôle"],
    ["/structures/12/controle", "Contrôle"],
    ["/structures/12/controleur", "Ma structure"],
    ["/departement/62/cdiae-archive", undefined],
  ])("%s → %s", (path, text) => {
    expect(activeItem(items, path)?.text).toBe(text);
  });
});
