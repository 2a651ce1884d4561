-- Entries and examined exits per (month, steering département, kind): what the dashboards of the nation, a
-- région or a département read instead of the (structure, month) cells of migration 0102 — a national year was
-- 35,000 exit cells to group for a few hundred (motif, mesure) rows; here a département holds one row per kind,
-- month, motif and mesure whatever its number of structures.
--
-- Derived from rollup_exit_month / rollup_entry_month and structure only, recomputed per affected (month,
-- département, kind) group by statement-level AFTER triggers, in the same transaction as the write:
--  - on the cell tables: the groups of the cells written, read from their structure's current kind and steering
--    département (coalesce(convention_departement_code, departement_code), src/db/structureDepartement.ts); a cell
--    whose structure no longer exists (ON DELETE CASCADE) recomputes its whole month;
--  - on structure: when its kind or steering département changes, its old and new groups over the months of its
--    cells (the département follows the structure's convention, itself kept by the triggers of migration 0411).
-- Writes made with triggers off end with rebuildRollups(), which recomputes these tables whole
-- (rollup_scope_month_rebuild, src/db/rollups.ts); findRollupDrift compares them with the base tables. While it
-- rebuilds the cells, rebuildRollups sets passerelle.rollup_scope_deferred for its transaction: the triggers
-- below then skip their work, which the whole recompute at its end replaces.
CREATE TABLE rollup_exit_scope_month (
  month date NOT NULL,
  departement_code text NOT NULL,
  kind text NOT NULL,
  motif_code integer NOT NULL,
  mesure_code text NOT NULL,
  examined integer NOT NULL,
  PRIMARY KEY (month, departement_code, kind, motif_code, mesure_code)
);
CREATE INDEX rollup_exit_scope_month_departement_idx ON rollup_exit_scope_month (departement_code, month);

CREATE TABLE rollup_entry_scope_month (
  month date NOT NULL,
  departement_code text NOT NULL,
  kind text NOT NULL,
  mesure_code text NOT NULL,
  entries integer NOT NULL,
  rsa_entries integer NOT NULL,
  PRIMARY KEY (month, departement_code, kind, mesure_code)
);
CREATE INDEX rollup_entry_scope_month_departement_idx ON rollup_entry_scope_month (departement_code, month);

-- Recomputes the groups (month, département, kind) given as three parallel arrays; a NULL département stands for
-- every group of its month. Groups are found through the structures of the département and kind (index of
-- migration 0411), whole months through the month index of the cells.
CREATE FUNCTION rollup_scope_month_refresh(p_table text, p_months date[], p_departements text[], p_kinds text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  whole date[];
  gm date[];
  gd text[];
  gk text[];
BEGIN
  IF p_months IS NULL OR cardinality(p_months) = 0 THEN RETURN; END IF;
  SELECT array_agg(DISTINCT m) INTO whole FROM unnest(p_months, p_departements) AS u(m, d) WHERE d IS NULL;
  whole := coalesce(whole, '{}');
  SELECT array_agg(m), array_agg(d), array_agg(k) INTO gm, gd, gk FROM (
    SELECT DISTINCT m, d, k FROM unnest(p_months, p_departements, p_kinds) AS u(m, d, k)
    WHERE d IS NOT NULL AND NOT m = ANY (whole)) g;
  IF p_table = 'exit' THEN
    DELETE FROM rollup_exit_scope_month r WHERE r.month = ANY (whole);
    DELETE FROM rollup_exit_scope_month r USING unnest(gm, gd, gk) AS g(m, d, k)
      WHERE r.month = g.m AND r.departement_code = g.d AND r.kind = g.k;
    INSERT INTO rollup_exit_scope_month (month, departement_code, kind, motif_code, mesure_code, examined)
      SELECT r.month, coalesce(s.convention_departement_code, s.departement_code), s.kind, r.motif_code, r.mesure_code, sum(r.examined)
      FROM rollup_exit_month r JOIN structure s ON s.id = r.structure_id
      WHERE r.month = ANY (whole)
      GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO rollup_exit_scope_month (month, departement_code, kind, motif_code, mesure_code, examined)
      SELECT g.m, g.d, g.k, r.motif_code, r.mesure_code, sum(r.examined)
      FROM unnest(gm, gd, gk) AS g(m, d, k)
      JOIN structure s ON coalesce(s.convention_departement_code, s.departement_code) = g.d AND s.kind = g.k
      JOIN rollup_exit_month r ON r.structure_id = s.id AND r.month = g.m
      GROUP BY 1, 2, 3, 4, 5;
  ELSE
    DELETE FROM rollup_entry_scope_month r WHERE r.month = ANY (whole);
    DELETE FROM rollup_entry_scope_month r USING unnest(gm, gd, gk) AS g(m, d, k)
      WHERE r.month = g.m AND r.departement_code = g.d AND r.kind = g.k;
    INSERT INTO rollup_entry_scope_month (month, departement_code, kind, mesure_code, entries, rsa_entries)
      SELECT r.month, coalesce(s.convention_departement_code, s.departement_code), s.kind, r.mesure_code, sum(r.entries), sum(r.rsa_entries)
      FROM rollup_entry_month r JOIN structure s ON s.id = r.structure_id
      WHERE r.month = ANY (whole)
      GROUP BY 1, 2, 3, 4;
    INSERT INTO rollup_entry_scope_month (month, departement_code, kind, mesure_code, entries, rsa_entries)
      SELECT g.m, g.d, g.k, r.mesure_code, sum(r.entries), sum(r.rsa_entries)
      FROM unnest(gm, gd, gk) AS g(m, d, k)
      JOIN structure s ON coalesce(s.convention_departement_code, s.departement_code) = g.d AND s.kind = g.k
      JOIN rollup_entry_month r ON r.structure_id = s.id AND r.month = g.m
      GROUP BY 1, 2, 3, 4;
  END IF;
END $$;

-- Every group recomputed from the cells.
CREATE FUNCTION rollup_scope_month_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rollup_exit_scope_month;
  DELETE FROM rollup_entry_scope_month;
  INSERT INTO rollup_exit_scope_month (month, departement_code, kind, motif_code, mesure_code, examined)
    SELECT r.month, coalesce(s.convention_departement_code, s.departement_code), s.kind, r.motif_code, r.mesure_code, sum(r.examined)
    FROM rollup_exit_month r JOIN structure s ON s.id = r.structure_id
    GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO rollup_entry_scope_month (month, departement_code, kind, mesure_code, entries, rsa_entries)
    SELECT r.month, coalesce(s.convention_departement_code, s.departement_code), s.kind, r.mesure_code, sum(r.entries), sum(r.rsa_entries)
    FROM rollup_entry_month r JOIN structure s ON s.id = r.structure_id
    GROUP BY 1, 2, 3, 4;
END $$;

-- Cells written: the groups of their structures (the whole month when the structure is gone).
CREATE FUNCTION rollup_scope_month_cells() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m date[];
  d text[];
  k text[];
BEGIN
  IF current_setting('passerelle.rollup_scope_deferred', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(c.month), array_agg(coalesce(s.convention_departement_code, s.departement_code)), array_agg(s.kind) INTO m, d, k
    FROM (SELECT DISTINCT structure_id, month FROM new_rows) c LEFT JOIN structure s ON s.id = c.structure_id;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(c.month), array_agg(coalesce(s.convention_departement_code, s.departement_code)), array_agg(s.kind) INTO m, d, k
    FROM (SELECT DISTINCT structure_id, month FROM old_rows) c LEFT JOIN structure s ON s.id = c.structure_id;
  ELSE
    SELECT array_agg(c.month), array_agg(coalesce(s.convention_departement_code, s.departement_code)), array_agg(s.kind) INTO m, d, k
    FROM (SELECT structure_id, month FROM old_rows UNION SELECT structure_id, month FROM new_rows) c
    LEFT JOIN structure s ON s.id = c.structure_id;
  END IF;
  PERFORM rollup_scope_month_refresh(TG_ARGV[0], m, d, k);
  RETURN NULL;
END $$;

CREATE TRIGGER rollup_exit_month_scope_insert AFTER INSERT ON rollup_exit_month
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('exit');
CREATE TRIGGER rollup_exit_month_scope_update AFTER UPDATE ON rollup_exit_month
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('exit');
CREATE TRIGGER rollup_exit_month_scope_delete AFTER DELETE ON rollup_exit_month
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('exit');
CREATE TRIGGER rollup_entry_month_scope_insert AFTER INSERT ON rollup_entry_month
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('entry');
CREATE TRIGGER rollup_entry_month_scope_update AFTER UPDATE ON rollup_entry_month
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('entry');
CREATE TRIGGER rollup_entry_month_scope_delete AFTER DELETE ON rollup_entry_month
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_cells('entry');

-- A structure changing kind or steering département: its old and new groups, over the months of its cells.
CREATE FUNCTION rollup_scope_month_structure() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  m date[];
  d text[];
  k text[];
BEGIN
  IF current_setting('passerelle.rollup_scope_deferred', true) = 'on' THEN RETURN NULL; END IF;
  IF NOT EXISTS (
    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (coalesce(o.convention_departement_code, o.departement_code), o.kind)
      IS DISTINCT FROM (coalesce(n.convention_departement_code, n.departement_code), n.kind)) THEN
    RETURN NULL;
  END IF;
  WITH moved AS (
    SELECT n.id, coalesce(o.convention_departement_code, o.departement_code) AS od, o.kind AS ok,
      coalesce(n.convention_departement_code, n.departement_code) AS nd, n.kind AS nk
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (coalesce(o.convention_departement_code, o.departement_code), o.kind)
      IS DISTINCT FROM (coalesce(n.convention_departement_code, n.departement_code), n.kind))
  SELECT array_agg(x.month), array_agg(x.dep), array_agg(x.kind) INTO m, d, k FROM (
    SELECT DISTINCT c.month, g.dep, g.kind
    FROM moved v JOIN rollup_exit_month c ON c.structure_id = v.id
    CROSS JOIN LATERAL (VALUES (v.od, v.ok), (v.nd, v.nk)) AS g (dep, kind)) x;
  PERFORM rollup_scope_month_refresh('exit', m, d, k);
  WITH moved AS (
    SELECT n.id, coalesce(o.convention_departement_code, o.departement_code) AS od, o.kind AS ok,
      coalesce(n.convention_departement_code, n.departement_code) AS nd, n.kind AS nk
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (coalesce(o.convention_departement_code, o.departement_code), o.kind)
      IS DISTINCT FROM (coalesce(n.convention_departement_code, n.departement_code), n.kind))
  SELECT array_agg(x.month), array_agg(x.dep), array_agg(x.kind) INTO m, d, k FROM (
    SELECT DISTINCT c.month, g.dep, g.kind
    FROM moved v JOIN rollup_entry_month c ON c.structure_id = v.id
    CROSS JOIN LATERAL (VALUES (v.od, v.ok), (v.nd, v.nk)) AS g (dep, kind)) x;
  PERFORM rollup_scope_month_refresh('entry', m, d, k);
  RETURN NULL;
END $$;

CREATE TRIGGER structure_rollup_scope_month_update AFTER UPDATE ON structure
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_scope_month_structure();

-- Existing data.
SELECT rollup_scope_month_rebuild();

-- The indicators read them: the response cache must see their changes.
SELECT watch_data_generation('rollup_exit_scope_month');
SELECT watch_data_generation('rollup_entry_scope_month');
