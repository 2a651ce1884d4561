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
