-- Rollups of entries and examined exits per structure × month (issue 9): the dashboards no longer read
-- contract or exit rows for month-aligned periods. Kept like 0101 by statement-level AFTER triggers (once
-- per statement, COPY included), in the same transaction as the write. Maintenance recomputes the affected
-- (structure, month) cells from the base tables instead of applying deltas: a cell holds the entries or
-- exits of one structure in one month (tens of rows), and a bulk statement recomputes its cells in one pass.
-- Repair / full recompute: rebuildRollups() in src/db/rollups.ts.

-- Initial contracts (rank 0) per structure × month of start × mesure: people entered and RSA among them.
-- Whether the mesure counts for posts is decided when reading (ref_mesure).
CREATE TABLE rollup_entry_month (
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  month date NOT NULL,
  mesure_code text NOT NULL,
  entries integer NOT NULL,
  rsa_entries integer NOT NULL,
  PRIMARY KEY (structure_id, month, mesure_code)
);
CREATE INDEX rollup_entry_month_month_idx ON rollup_entry_month (month);

-- "Entered" counts distinct persons: the initial contracts of persons having more than one initial contract
-- (few) are listed here, so that the reader subtracts the duplicates of a scope and period exactly.
CREATE TABLE rollup_entry_repeat (
  contract_id bigint PRIMARY KEY REFERENCES contract (id) ON DELETE CASCADE,
  person_id bigint NOT NULL,
  structure_id bigint NOT NULL,
  starts_on date NOT NULL,
  mesure_code text NOT NULL,
  rsa boolean NOT NULL
);
CREATE INDEX rollup_entry_repeat_starts_idx ON rollup_entry_repeat (starts_on);
CREATE INDEX rollup_entry_repeat_person_idx ON rollup_entry_repeat (person_id);

-- Examined exits (hour thresholds of iae-reference §6.3 met, on the counting annexes at write time) per
-- structure × month of exit × motif × mesure of the recruitment. Retraits and mesures not counting for posts
-- are filtered when reading (ref_exit_motif, ref_exit_category, ref_mesure).
CREATE TABLE rollup_exit_month (
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  month date NOT NULL,
  motif_code integer NOT NULL,
  mesure_code text NOT NULL,
  examined integer NOT NULL,
  PRIMARY KEY (structure_id, month, motif_code, mesure_code)
);
CREATE INDEX rollup_exit_month_month_idx ON rollup_exit_month (month);

-- Recomputes the entry cells (structure, month) given as two parallel arrays.
CREATE FUNCTION rollup_entry_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  DELETE FROM rollup_entry_month r USING (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k WHERE r.structure_id = k.structure_id AND r.month = k.month;
  INSERT INTO rollup_entry_month (structure_id, month, mesure_code, entries, rsa_entries)
    SELECT c.structure_id, k.month, c.mesure_code, count(*), count(*) FILTER (WHERE c.rsa IN ('OUI-M', 'OUI-NM'))
    FROM (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k
    JOIN contract c ON c.structure_id = k.structure_id AND c.starts_on >= k.month AND c.starts_on < (k.month + interval '1 month')::date
    WHERE c.rank = 0
    GROUP BY c.structure_id, k.month, c.mesure_code;
END $$;

-- Recomputes the repeated initial contracts of some persons.
CREATE FUNCTION rollup_entry_repeat_refresh(p_persons bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_persons IS NULL OR cardinality(p_persons) = 0 THEN RETURN; END IF;
  DELETE FROM rollup_entry_repeat WHERE person_id IN (SELECT unnest(p_persons));
  INSERT INTO rollup_entry_repeat (contract_id, person_id, structure_id, starts_on, mesure_code, rsa)
    SELECT c.id, c.person_id, c.structure_id, c.starts_on, c.mesure_code, c.rsa IN ('OUI-M', 'OUI-NM')
    FROM contract c
    WHERE c.rank = 0 AND c.person_id IN (
      SELECT x.person_id FROM contract x WHERE x.rank = 0 AND x.person_id IN (SELECT unnest(p_persons))
      GROUP BY x.person_id HAVING count(*) > 1);
END $$;

-- Recomputes the exit cells (structure, month) given as two parallel arrays: examined exits with the same
-- thresholds as src/indicators/figures.ts (hours from rollup_recruitment_annex on counting annexes).
CREATE FUNCTION rollup_exit_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  DELETE FROM rollup_exit_month r USING (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k WHERE r.structure_id = k.structure_id AND r.month = k.month;
  INSERT INTO rollup_exit_month (structure_id, month, motif_code, mesure_code, examined)
    WITH ex AS (
      SELECT e.id, e.structure_id, k.month, e.motif_code, r0.mesure_code, s.kind, e.exit_on, r0.starts_on AS start_on, e.recruitment_id
      FROM (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k
      JOIN exit e ON e.structure_id = k.structure_id AND e.exit_on >= k.month AND e.exit_on < (k.month + interval '1 month')::date
      JOIN structure s ON s.id = e.structure_id
      JOIN contract r0 ON r0.id = e.recruitment_id),
    per_af AS (
      SELECT ex.id, ra.hours, a.starts_on AS af_start, max(a.starts_on) OVER (PARTITION BY ex.id) AS last_start
      FROM ex LEFT JOIN rollup_recruitment_annex ra ON ra.recruitment_id = ex.recruitment_id
      LEFT JOIN financial_annex a ON a.id = ra.annex_id
        AND a.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE')
        AND EXISTS (SELECT 1 FROM ref_mesure m WHERE m.code = a.mesure_code AND m.counts_for_posts)
        AND NOT EXISTS (
          SELECT 1 FROM financial_annex b
          WHERE b.number_prefix = a.number_prefix AND b.renewal = a.renewal AND b.modification > a.modification
            AND b.state NOT IN ('HISTORISE', 'ANNULE', 'REJETE'))),
    h AS (
      SELECT id, coalesce(sum(hours) FILTER (WHERE af_start IS NOT NULL), 0) AS all_hours,
        coalesce(sum(hours) FILTER (WHERE af_start = last_start), 0) AS last_hours
      FROM per_af GROUP BY id)
    SELECT ex.structure_id, ex.month, ex.motif_code, ex.mesure_code, count(*)::int
    FROM ex JOIN h ON h.id = ex.id
    WHERE CASE
      WHEN ex.kind IN ('ACI', 'EI') THEN h.all_hours >= 1 AND (ex.exit_on - ex.start_on) * 0.0328767 > 2.65
      WHEN ex.kind IN ('AI', 'ETTI') THEN h.last_hours >= 150
      ELSE h.all_hours >= 1 END
    GROUP BY 1, 2, 3, 4;
END $$;

-- Exit cells of whole structures (an annex or the structure's kind changed).
CREATE FUNCTION rollup_exit_refresh_structures(p_structures bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
  m date[];
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  SELECT array_agg(structure_id), array_agg(month) INTO s, m FROM (
    SELECT e.structure_id, date_trunc('month', e.exit_on)::date AS month FROM exit e WHERE e.structure_id IN (SELECT unnest(p_structures))
    UNION SELECT r.structure_id, r.month FROM rollup_exit_month r WHERE r.structure_id IN (SELECT unnest(p_structures))) c;
  PERFORM rollup_exit_refresh(s, m);
END $$;

-- Exit cells of the exits of some recruitments (their hours or their initial contract changed).
CREATE FUNCTION rollup_exit_refresh_recruitments(p_recruitments bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
  m date[];
BEGIN
  IF p_recruitments IS NULL OR cardinality(p_recruitments) = 0 THEN RETURN; END IF;
  SELECT array_agg(structure_id), array_agg(month) INTO s, m FROM (
    SELECT DISTINCT e.structure_id, date_trunc('month', e.exit_on)::date AS month
    FROM exit e WHERE e.recruitment_id IN (SELECT unnest(p_recruitments))) c;
  PERFORM rollup_exit_refresh(s, m);
END $$;

-- monthly_declaration: hours of recruitments changed → their exits (after the 0101 triggers, by name order).
CREATE FUNCTION rollup_cells_monthly_declaration() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT coalesce(c.recruitment_id, c.id)) INTO r
      FROM contract c WHERE c.id IN (SELECT contract_id FROM new_rows)
      AND EXISTS (SELECT 1 FROM exit e WHERE e.recruitment_id = coalesce(c.recruitment_id, c.id));
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT coalesce(c.recruitment_id, c.id)) INTO r
      FROM contract c WHERE c.id IN (SELECT contract_id FROM old_rows)
      AND EXISTS (SELECT 1 FROM exit e WHERE e.recruitment_id = coalesce(c.recruitment_id, c.id));
  ELSE
    SELECT array_agg(DISTINCT coalesce(c.recruitment_id, c.id)) INTO r
      FROM contract c WHERE c.id IN (SELECT contract_id FROM new_rows UNION SELECT contract_id FROM old_rows)
      AND EXISTS (SELECT 1 FROM exit e WHERE e.recruitment_id = coalesce(c.recruitment_id, c.id));
  END IF;
  PERFORM rollup_exit_refresh_recruitments(r);
  RETURN NULL;
END $$;

CREATE TRIGGER monthly_declaration_rollup_zcells_insert AFTER INSERT ON monthly_declaration
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_monthly_declaration();
CREATE TRIGGER monthly_declaration_rollup_zcells_update AFTER UPDATE ON monthly_declaration
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_monthly_declaration();
CREATE TRIGGER monthly_declaration_rollup_zcells_delete AFTER DELETE ON monthly_declaration
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_monthly_declaration();

-- contract: entry cells and repeated entries of the persons; exits of the recruitments touched.
CREATE FUNCTION rollup_cells_contract() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
  m date[];
  p bigint[];
  r bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(structure_id), array_agg(starts_on), array_agg(DISTINCT person_id) INTO s, m, p FROM new_rows WHERE rank = 0;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(structure_id), array_agg(starts_on), array_agg(DISTINCT person_id) INTO s, m, p FROM old_rows WHERE rank = 0;
    SELECT array_agg(DISTINCT coalesce(recruitment_id, id)) INTO r FROM old_rows;
  ELSE
    -- Only changes of the columns read by the rollups matter.
    WITH changed AS (
      SELECT o.structure_id AS os, o.starts_on AS oon, o.person_id AS op, o.rank AS orank, o.id AS oid, o.recruitment_id AS orec,
             n.structure_id AS ns, n.starts_on AS non, n.person_id AS np, n.rank AS nrank, n.recruitment_id AS nrec
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.structure_id, o.starts_on, o.person_id, o.rank, o.mesure_code, o.rsa, coalesce(o.recruitment_id, 0))
        IS DISTINCT FROM (n.structure_id, n.starts_on, n.person_id, n.rank, n.mesure_code, n.rsa, coalesce(n.recruitment_id, 0))),
    cells AS (
      SELECT os AS st, oon AS mo, op AS pe FROM changed WHERE orank = 0
      UNION ALL SELECT ns, non, np FROM changed WHERE nrank = 0)
    SELECT (SELECT array_agg(st) FROM cells), (SELECT array_agg(mo) FROM cells), (SELECT array_agg(DISTINCT pe) FROM cells),
      (SELECT array_agg(DISTINCT x) FROM (SELECT coalesce(orec, oid) AS x FROM changed UNION SELECT coalesce(nrec, oid) FROM changed) y)
      INTO s, m, p, r;
  END IF;
  PERFORM rollup_entry_refresh(s, m);
  PERFORM rollup_entry_repeat_refresh(p);
  PERFORM rollup_exit_refresh_recruitments(r);
  RETURN NULL;
END $$;

CREATE TRIGGER contract_rollup_zcells_insert AFTER INSERT ON contract
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract();
CREATE TRIGGER contract_rollup_zcells_update AFTER UPDATE ON contract
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract();
CREATE TRIGGER contract_rollup_zcells_delete AFTER DELETE ON contract
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_contract();

-- exit: the cells of the rows written.
CREATE FUNCTION rollup_cells_exit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
  m date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(structure_id), array_agg(exit_on) INTO s, m FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(structure_id), array_agg(exit_on) INTO s, m FROM old_rows;
  ELSE
    SELECT array_agg(st), array_agg(mo) INTO s, m FROM (
      SELECT o.structure_id AS st, o.exit_on AS mo FROM old_rows o
      UNION SELECT n.structure_id, n.exit_on FROM new_rows n) c;
  END IF;
  PERFORM rollup_exit_refresh(s, m);
  RETURN NULL;
END $$;

CREATE TRIGGER exit_rollup_zcells_insert AFTER INSERT ON exit
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_exit();
CREATE TRIGGER exit_rollup_zcells_update AFTER UPDATE ON exit
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_exit();
CREATE TRIGGER exit_rollup_zcells_delete AFTER DELETE ON exit
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_exit();

-- financial_annex: whether an annex counts (state, version, mesure) decides the hours of the thresholds:
-- recompute the exits of the structures of the annexes and of the other versions of the same numbers.
CREATE FUNCTION rollup_cells_financial_annex() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT b.structure_id) INTO s FROM financial_annex b
      WHERE (b.number_prefix, b.renewal) IN (SELECT number_prefix, renewal FROM new_rows);
    SELECT array_agg(DISTINCT x) INTO s FROM (SELECT unnest(s) AS x UNION SELECT structure_id FROM new_rows) y;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT b.structure_id) INTO s FROM financial_annex b
      WHERE (b.number_prefix, b.renewal) IN (SELECT number_prefix, renewal FROM old_rows);
    SELECT array_agg(DISTINCT x) INTO s FROM (SELECT unnest(s) AS x UNION SELECT structure_id FROM old_rows) y;
  ELSE
    WITH changed AS (
      SELECT o.structure_id AS os, n.structure_id AS ns, o.number_prefix AS op, o.renewal AS orn, n.number_prefix AS np, n.renewal AS nrn
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.structure_id, o.state, o.mesure_code, o.starts_on, o.number_prefix, o.renewal, o.modification)
        IS DISTINCT FROM (n.structure_id, n.state, n.mesure_code, n.starts_on, n.number_prefix, n.renewal, n.modification))
    SELECT array_agg(DISTINCT x) INTO s FROM (
      SELECT os AS x FROM changed UNION SELECT ns FROM changed
      UNION SELECT b.structure_id FROM financial_annex b
        WHERE (b.number_prefix, b.renewal) IN (SELECT op, orn FROM changed UNION SELECT np, nrn FROM changed)) y;
  END IF;
  PERFORM rollup_exit_refresh_structures(s);
  RETURN NULL;
END $$;

CREATE TRIGGER financial_annex_rollup_zcells_insert AFTER INSERT ON financial_annex
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_financial_annex();
CREATE TRIGGER financial_annex_rollup_zcells_update AFTER UPDATE ON financial_annex
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_financial_annex();
CREATE TRIGGER financial_annex_rollup_zcells_delete AFTER DELETE ON financial_annex
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_financial_annex();

-- structure: its kind decides the thresholds.
CREATE FUNCTION rollup_cells_structure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
BEGIN
  SELECT array_agg(n.id) INTO s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.kind IS DISTINCT FROM n.kind;
  PERFORM rollup_exit_refresh_structures(s);
  RETURN NULL;
END $$;

CREATE TRIGGER structure_rollup_zcells_update AFTER UPDATE ON structure
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_structure();

-- ref_mesure: whether a mesure counts for posts decides which annexes count (rare: recompute every exit).
CREATE FUNCTION rollup_cells_ref_mesure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.code = o.code WHERE o.counts_for_posts IS DISTINCT FROM n.counts_for_posts) THEN
    SELECT array_agg(id) INTO s FROM structure;
    PERFORM rollup_exit_refresh_structures(s);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ref_mesure_rollup_zcells_update AFTER UPDATE ON ref_mesure
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_cells_ref_mesure();

-- Existing data (databases migrated after data was loaded).
SELECT rollup_entry_refresh(array_agg(structure_id), array_agg(starts_on)) FROM contract WHERE rank = 0;
SELECT rollup_entry_repeat_refresh(array_agg(DISTINCT person_id)) FROM contract WHERE rank = 0;
SELECT rollup_exit_refresh(array_agg(structure_id), array_agg(exit_on)) FROM exit;
