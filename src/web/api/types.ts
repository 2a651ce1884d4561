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
