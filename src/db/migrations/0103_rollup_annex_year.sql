-- Rollup per annex × calendar year (issue 9): hours (ETP réalisés of whole years) and the number of people
-- present (≥ 1 h) on that annex who have no other annex that year ("solo"), so that the people present of a
-- calendar year are Σ solo over the counting annexes of the scope + the few people with several annexes that
-- year (rollup_multi_person_year), instead of a distinct count over every (annex, year, person) row.
-- Kept by statement-level triggers on rollup_person_year itself (written by the 0101 triggers and by the
-- cascades of annex / person deletions): the (annex, year) cells of the people touched are recomputed.
CREATE TABLE rollup_annex_year (
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  year smallint NOT NULL,
  hours numeric(14, 2) NOT NULL,
  declarations integer NOT NULL,
  solo_present integer NOT NULL,
  PRIMARY KEY (annex_id, year)
);

-- People with declarations on more than one annex in a calendar year.
CREATE TABLE rollup_multi_person_year (
  year smallint NOT NULL,
  person_id bigint NOT NULL,
  PRIMARY KEY (year, person_id)
);

CREATE INDEX rollup_person_year_person_idx ON rollup_person_year (year, person_id);

-- Recomputes the multi-annex flags of the (year, person) pairs and the (annex, year) cells of these people
-- (plus the given (annex, year) cells, whose rows may be gone). Arrays are parallel.
CREATE FUNCTION rollup_annex_year_refresh(p_years smallint[], p_persons bigint[], p_annexes bigint[]) RETURNS void LANGUAGE plpgsql AS $$
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
  INSERT INTO rollup_annex_year (annex_id, year, hours, declarations, solo_present)
    SELECT py.annex_id, py.year, sum(py.hours), sum(py.declarations),
      count(*) FILTER (WHERE py.hours >= 1 AND NOT EXISTS (
        SELECT 1 FROM rollup_multi_person_year m WHERE m.year = py.year AND m.person_id = py.person_id))
    FROM rollup_person_year py
    JOIN (
      SELECT a, y FROM unnest(p_annexes, p_years) AS u(a, y)
      UNION SELECT py2.annex_id, py2.year FROM rollup_person_year py2
        JOIN (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k ON py2.year = k.y AND py2.person_id = k.p) c
      ON py.annex_id = c.a AND py.year = c.y
    WHERE EXISTS (SELECT 1 FROM financial_annex fa WHERE fa.id = py.annex_id)
    GROUP BY py.annex_id, py.year;
END $$;

CREATE FUNCTION rollup_cells_person_year() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y smallint[];
  p bigint[];
  a bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(year), array_agg(person_id), array_agg(annex_id) INTO y, p, a FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(year), array_agg(person_id), array_agg(annex_id) INTO y, p, a FROM old_rows;
  ELSE
    SELECT array_agg(year), array_agg(person_id), array_agg(annex_id) INTO y, p, a FROM (
      SELECT year, person_id, annex_id FROM new_rows UNION SELECT year, person_id, annex_id FROM old_rows) c;
  END IF;
  PERFORM rollup_annex_year_refresh(y, p, a);
  RETURN NULL;
END $$;

CREATE TRIGGER rollup_person_year_cells_insert AFTER INSERT ON rollup_person_year
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_person_year();
CREATE TRIGGER rollup_person_year_cells_update AFTER UPDATE ON rollup_person_year
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_person_year();
CREATE TRIGGER rollup_person_year_cells_delete AFTER DELETE ON rollup_person_year
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_person_year();

-- Existing data.
SELECT rollup_annex_year_refresh(array_agg(year), array_agg(person_id), array_agg(annex_id)) FROM rollup_person_year;
