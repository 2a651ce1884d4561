// CSV of follow-up situations (one line per exit and horizon), `;`-separated, UTF-8, header required:
//   sortie;horizon;situation
//   1234;6;CDI
// `sortie` = the exit's identifier in Passerelle, `horizon` = 6 or 12, `situation` = a code of
// FOLLOW_UP_SITUATIONS. Every bad line is reported with the file, the line number (header = line 1) and the field;
// good lines are returned — the caller decides whether to write anything when some lines are wrong.
import { DomainRuleError } from "../errors.js";
import { type FollowUpRecord, parseHorizon, parseSituation } from "./followUp.js";

export interface FollowUpCsvError {
  file: string;
  line: number;
  field: string;
  message: string;
}

export interface FollowUpCsv {
  records: (FollowUpRecord & { line: number })[];
  errors: FollowUpCsvError[];
}

const COLUMNS = ["sortie", "horizon", "situation"] as const;

export function parseFollowUpCsv(file: string, text: string): FollowUpCsv {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const errors: FollowUpCsvError[] = [];
  const records: FollowUpCsv["records"] = [];
  const header = (lines[0] ?? "").split(";").map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => index[c] < 0);
  if (missing.length > 0) {
    for (const c of missing) errors.push({ file, line: 1, field: c, message: `colonne « ${c} » absente de l'en-tête` });
    return { records, errors };
  }
  const seen = new Map<string, number>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === "") return;
    const cells = raw.split(";");
    const cell = (c: (typeof COLUMNS)[number]) => (cells[index[c]] ?? "").trim();
    const before = errors.length;
    const exitText = cell("sortie");
    const exitId = Number(exitText);
    if (!/^\d{1,15}$/.test(exitText) || exitId <= 0)
      errors.push({ file, line, field: "sortie", message: `identifiant de sortie invalide « ${exitText} »` });
    let horizon: ReturnType<typeof parseHorizon> | null = null;
    let situation: ReturnType<typeof parseSituation> | null = null;
    for (const [field, parse] of [
      ["horizon", () => (horizon = parseHorizon(cell("horizon")))],
      ["situation", () => (situation = parseSituation(cell("situation")))],
    ] as const) {
      try {
        parse();
      } catch (error) {
        if (!(error instanceof DomainRuleError)) throw error;
        errors.push({ file, line, field, message: `${error.message} : « ${cell(field)} »` });
      }
    }
    if (errors.length > before || horizon === null || situation === null) return;
    const key = `${exitId}/${horizon}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ file, line, field: "sortie", message: `sortie ${exitId} à ${horizon} mois déjà donnée ligne ${first}` });
      return;
    }
    seen.set(key, line);
    records.push({ exitId, horizon, situation, line });
  });
  return { records, errors };
}
