-- The whole recompute after a bulk load (rollup_scope_month_rebuild) now writes only the rows that differ: it
-- deleted and re-inserted every row, and until a vacuum the dashboards' primary-key reads then visited the dead
-- copies too (national entries of one year right after importing 2 years at scale 0.1: 3,996 rows, 4,989
-- buffers). Rows already right (kept by the triggers while the contracts were imported) stay where they are;
-- new rows are still written in key order, month first.
CREATE OR REPLACE FUNCTION rollup_scope_month_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE rollup_exit_scope_month, rollup_entry_scope_month IN EXCLUSIVE MODE;
  WITH e AS (
    SELECT r.month, coalesce(s.convention_departement_code, s.departement_code) AS departement_code, s.kind, r.motif_code,
      r.mesure_code, sum(r.examined)::integer AS examined
    FROM rollup_exit_month r JOIN structure s ON s.id = r.structure_id
    GROUP BY 1, 2, 3, 4, 5),
  gone AS (
    DELETE FROM rollup_exit_scope_month x WHERE NOT EXISTS (
      SELECT 1 FROM e WHERE e.month = x.month AND e.departement_code = x.departement_code AND e.kind = x.kind
        AND e.motif_code = x.motif_code AND e.mesure_code = x.mesure_code))
  INSERT INTO rollup_exit_scope_month AS x (month, departement_code, kind, motif_code, mesure_code, examined)
    SELECT * FROM e ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (month, departement_code, kind, motif_code, mesure_code) DO UPDATE SET examined = excluded.examined
    WHERE x.examined IS DISTINCT FROM excluded.examined;
  WITH e AS (
    SELECT r.month, coalesce(s.convention_departement_code, s.departement_code) AS departement_code, s.kind, r.mesure_code,
      sum(r.entries)::integer AS entries, sum(r.rsa_entries)::integer AS rsa_entries
    FROM rollup_entry_month r JOIN structure s ON s.id = r.structure_id
    GROUP BY 1, 2, 3, 4),
  gone AS (
    DELETE FROM rollup_entry_scope_month x WHERE NOT EXISTS (
      SELECT 1 FROM e WHERE e.month = x.month AND e.departement_code = x.departement_code AND e.kind = x.kind
        AND e.mesure_code = x.mesure_code))
  INSERT INTO rollup_entry_scope_month AS x (month, departement_code, kind, mesure_code, entries, rsa_entries)
    SELECT * FROM e ORDER BY 1, 2, 3, 4
    ON CONFLICT (month, departement_code, kind, mesure_code) DO UPDATE SET entries = excluded.entries, rsa_entries = excluded.rsa_entries
    WHERE (x.entries, x.rsa_entries) IS DISTINCT FROM (excluded.entries, excluded.rsa_entries);
END $$;
