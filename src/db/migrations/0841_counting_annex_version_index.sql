-- Which AF versions count (view counting_annex, migration 0410) is an anti-join of the validated versions on
-- (number_prefix, renewal, modification). With years of AFs stored, PostgreSQL merges the two sides in that
-- order, and through the unique index of migration 0360 each side visited the table once per AF of every year:
-- 47,410 buffers for the `counting` step of a national dashboard on 10 generated years at scale 0.1, for the
-- 5,908 annexes of the two years asked. This partial index holds the validated versions in that order with the
-- columns the dashboards read (src/indicators/figures.ts `counting`), so both sides are index-only scans once the
-- table is vacuumed: 1,280 buffers on the same data. It is keyed like the view's anti-join, which every reader of
-- counting_annex shares.
CREATE INDEX financial_annex_validated_version_idx ON financial_annex (number_prefix, renewal, modification)
  INCLUDE (id, structure_id, mesure_code, starts_on, ends_on, etp, annual_hours, total_amount, cofinanced_amount, modulated_amount)
  WHERE state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE');
