// What the ASP receives of a month's declared hours. Its monthly statement (FluxIAE EtatMensuelIndiv
// emi_nb_heures_travail / emi_nb_heures_facturees) carries whole hours, and the State's loader types these
// columns as integers (pilotage-airflow dags/common/flux_iae.py FLUX_IAE_MODELS: "bigint", read with Python int()).
// Choice [M] (no ASP text says how a fraction is rounded): the nearest hour, an exact half to the even hour
// (110.5 → 110, 111.5 → 112), so that halves declared over many months add no systematic hour. Passerelle keeps
// the declared decimal hours for its own indicators; the declaration screen shows what will be transmitted.

/** Whole hours transmitted to the ASP for `hours` declared (≥ 0). */
export function aspWholeHours(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`heures invalides : ${hours}`);
  const floor = Math.floor(hours);
  if (Math.abs(hours - floor - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(hours);
}
