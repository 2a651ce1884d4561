-- People present who are RSA beneficiaries, per annex × calendar year, beside solo_present (migration 0103).
--
-- The national dashboard computed people.rsaPresent from every RSA contract of the period and the hours of
-- every candidate (1.4 s of 1.9 s at a quarter of the national volume, EXPLAIN in docs/plans/). Now, for a
-- calendar year, it is Σ solo_present_rsa over the counting annexes of the scope + the few people with
-- several annexes that year, read as before.
--
-- Rule (the one of src/indicators/figures.ts and departementRsa.ts): a person present (≥ 1 h in the year) is
-- an RSA beneficiary when a contract of theirs flagged RSA (OUI-M, OUI-NM) in the structure of the hours runs
-- during the year (starts on or before 31 December, ends — exit, else planned end, else never — on or after
-- 1 January). solo_present_rsa counts, among the solo people of the cell, those whose contract in the annex's
-- structure is so flagged.
ALTER TABLE rollup_annex_year ADD COLUMN solo_present_rsa integer NOT NULL DEFAULT 0;

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
        WHERE k.person_id = py.person_id AND k.structure_id = fa.structure_id AND k.rsa IN ('OUI-M', 'OUI-NM')
          AND k.starts_on <= make_date(py.year, 12, 31)
          AND coalesce(k.exit_on, k.planned_end_on, make_date(py.year, 12, 31)) >= make_date(py.year, 1, 1)))
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

-- contract: a change of whom, where, when or the RSA flag recomputes the (annex, year) cells of the people.
CREATE FUNCTION rollup_cells_contract_rsa() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y smallint[];
  p bigint[];
  a bigint[];
BEGIN
  WITH persons AS (
    SELECT person_id FROM (
      SELECT n.person_id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
      WHERE o.id IS NULL OR (o.person_id, o.structure_id, o.rsa, o.starts_on, o.exit_on, o.planned_end_on)
        IS DISTINCT FROM (n.person_id, n.structure_id, n.rsa, n.starts_on, n.exit_on, n.planned_end_on)
      UNION
      SELECT o.person_id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
      WHERE n.id IS NULL OR (o.person_id, o.structure_id, o.rsa, o.starts_on, o.exit_on, o.planned_end_on)
        IS DISTINCT FROM (n.person_id, n.structure_id, n.rsa, n.starts_on, n.exit_on, n.planned_end_on)) x)
  SELECT array_agg(py.year), array_agg(py.person_id), array_agg(py.annex_id) INTO y, p, a
  FROM rollup_person_year py WHERE py.person_id IN (SELECT person_id FROM persons);
  PERFORM rollup_annex_year_refresh(y, p, a);
  RETURN NULL;
END $$;

-- A trigger with transition tables fires for one event only: INSERT and DELETE have their own function.
CREATE FUNCTION rollup_cells_contract_rsa_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y smallint[];
  p bigint[];
  a bigint[];
BEGIN
  SELECT array_agg(py.year), array_agg(py.person_id), array_agg(py.annex_id) INTO y, p, a
  FROM rollup_person_year py WHERE py.person_id IN (SELECT person_id FROM new_rows);
  PERFORM rollup_annex_year_refresh(y, p, a);
  RETURN NULL;
END $$;
CREATE FUNCTION rollup_cells_contract_rsa_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y smallint[];
  p bigint[];
  a bigint[];
BEGIN
  SELECT array_agg(py.year), array_agg(py.person_id), array_agg(py.annex_id) INTO y, p, a
  FROM rollup_person_year py WHERE py.person_id IN (SELECT person_id FROM old_rows);
  PERFORM rollup_annex_year_refresh(y, p, a);
  RETURN NULL;
END $$;

CREATE TRIGGER contract_rollup_rsa_insert AFTER INSERT ON contract
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract_rsa_insert();
CREATE TRIGGER contract_rollup_rsa_update AFTER UPDATE ON contract
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract_rsa();
CREATE TRIGGER contract_rollup_rsa_delete AFTER DELETE ON contract
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract_rsa_delete();

-- Existing data.
SELECT rollup_annex_year_refresh(array_agg(year), array_agg(person_id), array_agg(annex_id)) FROM rollup_person_year;
