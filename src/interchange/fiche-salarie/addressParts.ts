// Splitting a free address line ("3 bis avenue de la Gare") into the ASP address fields of the fiche
// salarié (iae-reference §7.2): adrNumeroVoie, codeextensionvoie (B/T/Q/C), codetypevoie (ASP list),
// adrLibelleVoie. Returns null when the line does not have that shape: the fields must then be given
// in the complement of the fiche.
import type { FicheReferentials } from "./aspReferentials.js";
import { foldAscii } from "./aspText.js";

export interface AspAddress {
  adrNumeroVoie: string | null;
  codeextensionvoie: string | null;
  codetypevoie: string;
  adrLibelleVoie: string;
}

const EXTENSIONS: Record<string, string> = { BIS: "B", TER: "T", QUATER: "Q", QUINQUIES: "C", B: "B", T: "T", Q: "Q", C: "C" };

export function splitAddress(line: string, streetTypes: FicheReferentials["streetTypes"]): AspAddress | null {
  const words = foldAscii(line)
    .replace(/,/g, " ")
    .split(" ")
    .filter((w) => w !== "");
  let i = 0;
  let number: string | null = null;
  let extension: string | null = null;
  const first = words[0] ?? "";
  const m = /^(\d{1,5})([A-Z]*)$/.exec(first);
  if (m) {
    number = m[1] ?? null;
    if (m[2]) {
      extension = EXTENSIONS[m[2]] ?? null;
      if (extension === null) return null;
    }
    i = 1;
    const ext = EXTENSIONS[words[1] ?? ""];
    if (extension === null && ext !== undefined && words.length > 3) {
      extension = ext;
      i = 2;
    }
  }
  // Longest street type first ("GRANDE RUE" before "RUE").
  for (let len = Math.min(3, words.length - i - 1); len >= 1; len--) {
    const candidate = words.slice(i, i + len).join(" ");
    const code = streetTypes.get(candidate);
    if (code !== undefined) {
      const label = words.slice(i + len).join(" ");
      if (label === "") return null;
      return { adrNumeroVoie: number, codeextensionvoie: extension, codetypevoie: code, adrLibelleVoie: label };
    }
  }
  return null;
}
