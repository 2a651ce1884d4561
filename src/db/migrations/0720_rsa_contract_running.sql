-- One definition of "an RSA beneficiary's contract running during a period", read by the rollup triggers, the
-- drift check (src/db/rollups.ts), the indicators (src/indicators/figures.ts) and the département RSA table
-- (src/indicators/departementRsa.ts), through src/db/rsa.ts.
--
-- Rule (iae-reference §10): a contract counts for RSA when its contrat_salarie_rsa is OUI-M (majoré) or OUI-NM
-- (non majoré), the status recorded at hiring, and it runs during [p_from, p_to]: it starts on or before p_to and
-- ends (exit, else planned end, else never) on or after p_from.
-- A single SQL expression, IMMUTABLE: PostgreSQL inlines it into the calling query, so plans and indexes are those
-- of the expression written out.
CREATE FUNCTION contract_rsa_running(
  p_rsa text, p_starts_on date, p_exit_on date, p_planned_end_on date, p_from date, p_to date
) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_rsa IN ('OUI-M', 'OUI-NM') AND p_starts_on <= p_to AND coalesce(p_exit_on, p_planned_end_on, p_to) >= p_from
$$;

-- The (annex, year) cells (migration 0661), with the rule above for solo_present_rsa.
CREATE OR REPLACE FUNCTION rollup_annex_year_refresh(p_years smallint[], p_persons bigint[], p_annexes bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_years IS NULL OR cardinality(p_years) = 0 THEN RETURN; END IF;
  DELETE FROM rollup_multi_person_year m
    USING (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k
    WHERE m.year = k.y AND m.person_id = k.p;
  INSERT INTO rollup_multi_person_year (year, person_id)
    SELECT py.year, py.person_id FROM rollup_person_year py
    JOIN (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k ON py.year = k.y AND py.person_id = k.p
    GROUP BY py.year, py.person_id HAVING count(*) > 1;
  DELETE FROM rollup_annex_year r USING (
      SELECT a, y FROM unnest(p_annexes, p_years) AS u(a, y)
      UNION SELECT py.annex_id, py.year FROM rollup_person_year py
        JOIN (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k ON py.year = k.y AND py.person_id = k.p) c
    WHERE r.annex_id = c.a AND r.year = c.y;
  INSERT INTO rollup_annex_year (annex_id, year, hours, declarations, solo_present, solo_present_rsa)
    SELECT py.annex_id, py.year, sum(py.hours), sum(py.declarations),
      count(*) FILTER (WHERE py.hours >= 1 AND NOT m.multi),
      count(*) FILTER (WHERE py.hours >= 1 AND NOT m.multi AND EXISTS (
        SELECT 1 FROM contract k
        WHERE k.person_id = py.person_id AND k.structure_id = fa.structure_id
          AND contract_rsa_running(k.rsa, k.starts_on, k.exit_on, k.planned_end_on, make_date(py.year, 1, 1), make_date(py.year, 12, 31))))
    FROM rollup_person_year py
    JOIN financial_annex fa ON fa.id = py.annex_id
    CROSS JOIN LATERAL (SELECT EXISTS (
      SELECT 1 FROM rollup_multi_person_year mp WHERE mp.year = py.year AND mp.person_id = py.person_id) AS multi) m
    JOIN (
      SELECT a, y FROM unnest(p_annexes, p_years) AS u(a, y)
      UNION SELECT py2.annex_id, py2.year FROM rollup_person_year py2
        JOIN (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k ON py2.year = k.y AND py2.person_id = k.p) c
      ON py.annex_id = c.a AND py.year = c.y
    GROUP BY py.annex_id, py.year;
END $$;

-- One trigger function for the three events on contract (a statement trigger with transition tables fires for one
-- event, each branch reads the tables its event has): a change of whom, where, when or the RSA flag recomputes
-- the (annex, year) cells of the people concerned.
CREATE OR REPLACE FUNCTION rollup_cells_contract_rsa() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  persons bigint[];
  y smallint[];
  p bigint[];
  a bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(person_id) INTO persons FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(person_id) INTO persons FROM old_rows;
  ELSE
    SELECT array_agg(person_id) INTO persons FROM (
      SELECT n.person_id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
      WHERE o.id IS NULL OR (o.person_id, o.structure_id, o.rsa, o.starts_on, o.exit_on, o.planned_end_on)
        IS DISTINCT FROM (n.person_id, n.structure_id, n.rsa, n.starts_on, n.exit_on, n.planned_end_on)
      UNION
      SELECT o.person_id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
      WHERE n.id IS NULL OR (o.person_id, o.structure_id, o.rsa, o.starts_on, o.exit_on, o.planned_end_on)
        IS DISTINCT FROM (n.person_id, n.structure_id, n.rsa, n.starts_on, n.exit_on, n.planned_end_on)) x;
  END IF;
  SELECT array_agg(py.year), array_agg(py.person_id), array_agg(py.annex_id) INTO y, p, a
  FROM rollup_person_year py WHERE py.person_id IN (SELECT unnest(persons));
  PERFORM rollup_annex_year_refresh(y, p, a);
  RETURN NULL;
END $$;

DROP TRIGGER contract_rollup_rsa_insert ON contract;
DROP TRIGGER contract_rollup_rsa_delete ON contract;
DROP FUNCTION rollup_cells_contract_rsa_insert();
DROP FUNCTION rollup_cells_contract_rsa_delete();
CREATE TRIGGER contract_rollup_rsa_insert AFTER INSERT ON contract
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract_rsa();
CREATE TRIGGER contract_rollup_rsa_delete AFTER DELETE ON contract
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract_rsa();
