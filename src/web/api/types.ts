// Shapes of the API responses used by the screens (mirrors of the zod schemas in src/server/routes).
export interface Indicators {
  scope: string;
  scopeLabel?: string;
  period: { from: string; to: string };
  structures: { total: number; byKind: Record<string, number>; createdLast2Years: number };
  etp: { conventionnes: number; realises: number; tauxRealisation: number | null };
  people: { present: number; entered: number; rsaShare: number | null };
  exits: {
    examined: number;
    byCategory: { durable: number; transition: number; positive: number; other: number };
    dynamicRate: number | null;
    durableRate: number | null;
  };
  budget: {
    total: number;
    state: number;
    departement: number;
    modulated: number;
    byFundingLine: Record<string, number>;
    fundingLines: { code: string; label: string; financer: string; amount: number }[];
  };
}

export interface IndicatorSeries {
  monthly: { month: string; etpConventionnes: number; etpRealises: number; entered: number }[];
  yearly: {
    year: number;
    exitsByCategory: { durable: number; transition: number; positive: number; other: number };
    exitsExamined: number;
  }[];
}

export interface Calendar {
  today: string;
  currentMonth: string;
  latestYear: number;
}

export interface StructurePerformance {
  id: number;
  name: string;
  kind: string;
  departement: string;
  etpConventionnes: number;
  etpRealises: number;
  tauxRealisation: number | null;
  exitsExamined: number;
  dynamicRate: number | null;
}

export interface Departement {
  code: string;
  name: string;
  regionCode: string;
}

/** GET /api/v1/simulations/af — the aide au poste of an AF (same as `passerelle simulate af`). */
export interface AfSimulation {
  kind: string;
  territory: string;
  unitAmount: string;
  months: number;
  total: string;
  modulationPercent: string;
  modulatedAmount: string;
  modulatedPaymentMonth: string;
  monthly: { month: string; amount: string; regularisation: boolean }[];
}

/** GET /api/v1/structures/:id/annexes/:annexId — one AF version and every version of the same AF. */
export interface AnnexDetail {
  id: number;
  structureId: number;
  structureName: string;
  kind: string;
  number: string;
  numberPrefix: string;
  renewal: number;
  modification: number;
  state: string;
  mesure: string;
  penitentiary: boolean;
  conventionId: number | null;
  startsOn: string;
  endsOn: string;
  etp: string;
  annualHours: string;
  unitAmount: string | null;
  totalAmount: string | null;
  modulationPercent: string | null;
  modulatedAmount: string | null;
  funding: { code: string; label: string; amount: string }[];
  versions: {
    id: number;
    number: string;
    modification: number;
    state: string;
    startsOn: string;
    endsOn: string;
    etp: string;
    unitAmount: string | null;
    totalAmount: string | null;
    modulationPercent: string | null;
    modulatedAmount: string | null;
  }[];
}

/** POST …/annexes and …/annexes/:annexId/versions — what was written. */
export interface CreatedAnnex {
  id: number;
  number: string;
  total: string;
  unitAmount: string;
  months: number;
  historisedId: number | null;
}

/** GET …/annexes/:annexId/next-year — what-if of next year's allocation. */
export interface NextYearSimulation {
  annexNumber: string;
  lastYearEtp: number;
  nextEtp: string;
  lastYearTotal: string;
  difference: string;
  next: AfSimulation;
}

export interface FundingLine {
  code: string;
  label: string;
  financer: "etat" | "departement" | "autre";
}

/** One rejected line of an import (design §5 keys). */
export interface ImportIssue {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
}

export interface ImportReport {
  format: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: ImportIssue[];
  warnings: ImportIssue[];
  importRunId: number | null;
  dryRun: boolean;
  durationMs: number;
}

/** An import running in the background (POST /api/v1/imports?background=true). */
export interface ImportJob {
  id: string;
  status: "running" | "succeeded" | "failed";
  fileName: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  phase: "detection" | "import" | "termine";
  what: string | null;
  rowsRead: number;
  total: number | null;
  report: ImportReport | null;
  error: { title: string; detail: string; rejections: ImportIssue[] } | null;
}

/** A past import (import_run). */
export interface ImportRun {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  source: string;
  format: string;
  status: string;
  dryRun: boolean;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  durationMs: number | null;
  error: string | null;
  userName: string | null;
}
