// Rule: an annexe financière is annual, over one calendar year — iae-reference §2.1 ("normally annual,
// calendar year"). Shared by the API (src/server/routes/annexes.ts) and the AF form (src/web/components/AfForm.tsx).

/** The French message when [startsOn, endsOn] (ISO dates) cannot be an AF's period, else null. */
export function annexPeriodError(startsOn: string, endsOn: string): string | null {
  if (endsOn < startsOn) return "La date de fin doit suivre la date de début.";
  const year = startsOn.slice(0, 4);
  if (endsOn.slice(0, 4) !== year) return `Une annexe financière couvre une seule année civile : date de fin attendue en ${year}.`;
  return null;
}
