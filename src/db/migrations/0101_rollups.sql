-- Rollups for the indicators (issue 5). Maintained by statement-level AFTER triggers with transition
-- tables, in the same transaction as every write of monthly_declaration / contract: writers (UI
-- operations, imports with COPY, the demo generator) have NOTHING to do. Each trigger fires once per
-- statement (once per COPY), aggregates the changed rows and adds/subtracts the deltas.
-- Rollups hold raw sums keyed by annex: whether an annex "counts" (current version, state, mesure,
-- iae-reference §2.1/§3.2) is decided at query time over financial_annex (thousands of rows), so an AF
-- state change or a new AF version needs no rollup update.
-- Repair / full recompute: rebuildRollups() in src/db/rollups.ts.

-- Hours per annex × month: ETP réalisés (Σ hours / annual hours of the annex), monthly series.
CREATE TABLE rollup_annex_month (
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  month date NOT NULL,
  hours numeric(14, 2) NOT NULL,
  declarations integer NOT NULL,
  PRIMARY KEY (annex_id, month)
);

-- Hours per annex × calendar year × person: distinct people present (Σ hours over the period ≥ 1 h)
-- without reading every monthly row; months of a partial year are read from monthly_declaration.
CREATE TABLE rollup_person_year (
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  year smallint NOT NULL,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  hours numeric(12, 2) NOT NULL,
  declarations integer NOT NULL,
  PRIMARY KEY (annex_id, year, person_id)
);

-- Hours per recruitment (initial contract id = coalesce(recruitment_id, id)) × annex, with the last
-- declared month: thresholds of the examined exits (iae-reference §6.3).
CREATE TABLE rollup_recruitment_annex (
  recruitment_id bigint NOT NULL REFERENCES contract (id) ON DELETE CASCADE,
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  hours numeric(12, 2) NOT NULL,
  declarations integer NOT NULL,
  PRIMARY KEY (recruitment_id, annex_id)
);

-- Indexes for the queries that read base tables directly (entrants, exits, edge months).
CREATE INDEX contract_entrant_idx ON contract (starts_on) INCLUDE (structure_id, person_id, rsa, mesure_code) WHERE rank = 0;
CREATE INDEX exit_exit_on_idx ON exit (exit_on) INCLUDE (structure_id, recruitment_id, motif_code);
CREATE INDEX monthly_declaration_month_idx ON monthly_declaration (month) INCLUDE (annex_id, person_id, hours);

-- Applies the signed deltas of changed declarations (new rows +, old rows −) to the three rollups.
-- Rows whose annex / person / contract no longer exists (cascading deletes) are skipped: their rollup
-- rows are removed by the foreign keys' ON DELETE CASCADE.
CREATE FUNCTION rollup_monthly_declaration_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta text;
BEGIN
  delta := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT annex_id, contract_id, person_id, month, hours, 1 AS n FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT annex_id, contract_id, person_id, month, -hours AS hours, -1 AS n FROM old_rows'
    ELSE 'SELECT annex_id, contract_id, person_id, month, hours, 1 AS n FROM new_rows
          UNION ALL SELECT annex_id, contract_id, person_id, month, -hours, -1 FROM old_rows'
  END;
  EXECUTE format($q$
    INSERT INTO rollup_annex_month AS r (annex_id, month, hours, declarations)
      SELECT d.annex_id, d.month, sum(d.hours), sum(d.n) FROM (%s) d
      WHERE EXISTS (SELECT 1 FROM financial_annex a WHERE a.id = d.annex_id)
      GROUP BY d.annex_id, d.month
    ON CONFLICT (annex_id, month) DO UPDATE
      SET hours = r.hours + excluded.hours, declarations = r.declarations + excluded.declarations$q$, delta);
  EXECUTE format($q$
    INSERT INTO rollup_person_year AS r (annex_id, year, person_id, hours, declarations)
      SELECT d.annex_id, extract(year FROM d.month)::smallint, d.person_id, sum(d.hours), sum(d.n) FROM (%s) d
      WHERE EXISTS (SELECT 1 FROM financial_annex a WHERE a.id = d.annex_id)
        AND EXISTS (SELECT 1 FROM person p WHERE p.id = d.person_id)
      GROUP BY 1, 2, 3
    ON CONFLICT (annex_id, year, person_id) DO UPDATE
      SET hours = r.hours + excluded.hours, declarations = r.declarations + excluded.declarations$q$, delta);
  EXECUTE format($q$
    INSERT INTO rollup_recruitment_annex AS r (recruitment_id, annex_id, hours, declarations)
      SELECT coalesce(c.recruitment_id, c.id), d.annex_id, sum(d.hours), sum(d.n)
      FROM (%s) d JOIN contract c ON c.id = d.contract_id
      WHERE EXISTS (SELECT 1 FROM financial_annex a WHERE a.id = d.annex_id)
      GROUP BY 1, 2
    ON CONFLICT (recruitment_id, annex_id) DO UPDATE
      SET hours = r.hours + excluded.hours, declarations = r.declarations + excluded.declarations$q$, delta);
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM rollup_annex_month r USING (SELECT DISTINCT annex_id, month FROM old_rows) k
      WHERE r.annex_id = k.annex_id AND r.month = k.month AND r.declarations = 0;
    DELETE FROM rollup_person_year r
      USING (SELECT DISTINCT annex_id, extract(year FROM month)::smallint AS year, person_id FROM old_rows) k
      WHERE r.annex_id = k.annex_id AND r.year = k.year AND r.person_id = k.person_id AND r.declarations = 0;
    DELETE FROM rollup_recruitment_annex r
      USING (SELECT DISTINCT coalesce(c.recruitment_id, c.id) AS recruitment_id, o.annex_id
             FROM old_rows o JOIN contract c ON c.id = o.contract_id) k
      WHERE r.recruitment_id = k.recruitment_id AND r.annex_id = k.annex_id AND r.declarations = 0;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER monthly_declaration_rollup_insert AFTER INSERT ON monthly_declaration
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_monthly_declaration_apply();
CREATE TRIGGER monthly_declaration_rollup_update AFTER UPDATE ON monthly_declaration
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_monthly_declaration_apply();
CREATE TRIGGER monthly_declaration_rollup_delete AFTER DELETE ON monthly_declaration
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_monthly_declaration_apply();

-- A contract moved to another recruitment (recruitment_id changed): move its hours between recruitments.
CREATE FUNCTION rollup_contract_recruitment_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE coalesce(o.recruitment_id, o.id) IS DISTINCT FROM coalesce(n.recruitment_id, n.id)) THEN
    RETURN NULL;
  END IF;
  WITH moved AS (
    SELECT coalesce(o.recruitment_id, o.id) AS old_key, coalesce(nw.recruitment_id, nw.id) AS new_key,
           d.annex_id, sum(d.hours) AS hours, count(*)::integer AS n
    FROM old_rows o JOIN new_rows nw ON nw.id = o.id JOIN monthly_declaration d ON d.contract_id = o.id
    WHERE coalesce(o.recruitment_id, o.id) IS DISTINCT FROM coalesce(nw.recruitment_id, nw.id)
    GROUP BY 1, 2, 3)
  INSERT INTO rollup_recruitment_annex AS r (recruitment_id, annex_id, hours, declarations)
    SELECT key, annex_id, sum(hours), sum(n) FROM (
      SELECT new_key AS key, annex_id, hours, n FROM moved
      UNION ALL SELECT old_key, annex_id, -hours, -n FROM moved) m
    GROUP BY key, annex_id
  ON CONFLICT (recruitment_id, annex_id) DO UPDATE
    SET hours = r.hours + excluded.hours, declarations = r.declarations + excluded.declarations;
  DELETE FROM rollup_recruitment_annex r USING old_rows o JOIN new_rows nw ON nw.id = o.id
    WHERE r.recruitment_id = coalesce(o.recruitment_id, o.id) AND r.declarations = 0;
  RETURN NULL;
END;
$$;

CREATE TRIGGER contract_rollup_update AFTER UPDATE ON contract
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_contract_recruitment_moved();

-- A renewal deleted (its declarations go by cascade, when the contract row is already gone): recompute
-- the hours of the recruitments it belonged to from the base tables.
CREATE FUNCTION rollup_contract_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rollup_recruitment_annex r
    USING (SELECT DISTINCT recruitment_id FROM old_rows WHERE recruitment_id IS NOT NULL) k
    WHERE r.recruitment_id = k.recruitment_id;
  INSERT INTO rollup_recruitment_annex (recruitment_id, annex_id, hours, declarations)
    SELECT coalesce(c.recruitment_id, c.id), d.annex_id, sum(d.hours), count(*)
    FROM monthly_declaration d JOIN contract c ON c.id = d.contract_id
    WHERE coalesce(c.recruitment_id, c.id) IN (SELECT recruitment_id FROM old_rows WHERE recruitment_id IS NOT NULL)
    GROUP BY 1, 2;
  RETURN NULL;
END;
$$;

CREATE TRIGGER contract_rollup_delete AFTER DELETE ON contract
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_contract_deleted();
