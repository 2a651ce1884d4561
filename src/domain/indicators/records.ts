import type { IsoDate, MonthKey } from "../calendar/isoDate.js";
import type { AfState } from "../conventions/states.js";
import type { SiaeKind } from "../structures/kinds.js";

/** Plain records shaped like the DB rows (the SQL twin reads the same columns). Money/ETP/hours as decimal strings. */
export interface AfRecord {
  id: string;
  structureId: string;
  kind: SiaeKind;
  /** ASP mesure (ACI_DC, ACI_MP, FDI_DC…); rows whose mesure does not count for posts are ignored. */
  mesure: string;
  /** AF number prefix without suffix. */
  prefix: string;
  renewal: number;
  modification: number;
  versionId?: string | null;
  state: AfState;
  startDate: IsoDate;
  endDate: IsoDate;
  /** ETP d'insertion conventionnés (monthly average). */
  etp: string;
  /** AF total (af_montant_total_annuel). */
  total: string;
  /** Co-financed amount (af_mt_cofinance), null if none. */
  cofinancedAmount: string | null;
  /** Annual hours per ETP carried by the AF. */
  hoursPerEtp: string;
  /** Part modulée of the aide au poste (paid on top of the AF total), null/absent if none. */
  modulatedAmount?: string | null;
  /** Amounts by funding line code (financial_annex_funding), absent if not known. */
  funding?: Readonly<Record<string, string>>;
}

export interface DeclarationRecord {
  afId: string;
  /** Salted hash of the NIR (never the NIR itself). */
  personKey: string;
  structureId: string;
  month: MonthKey;
  hours: string;
  /** Contract of the declaration (its recruitment carries the exit thresholds); absent when unknown. */
  contractId?: string;
}

export type RsaFlag = "NON" | "OUI-M" | "OUI-NM";

export interface ContractRecord {
  id: string;
  personKey: string;
  structureId: string;
  kind: SiaeKind;
  mesure: string;
  /** 0 = initial, n = n-th renewal. */
  rank: number;
  hiringDate: IsoDate;
  endDate: IsoDate | null;
  exitDate: IsoDate | null;
  rsa: RsaFlag | null;
}

/** One recruitment that ended (initial + renewals), with the hours used by the exit thresholds. */
export interface ExitRecord {
  personKey: string;
  structureId: string;
  kind: SiaeKind;
  recruitmentStart: IsoDate;
  exitDate: IsoDate;
  hoursWorked: string;
  motifCode: string;
}

export interface Period {
  from: IsoDate;
  to: IsoDate;
}
