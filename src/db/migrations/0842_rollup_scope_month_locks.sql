-- Two transactions writing cells of the same (month, département, kind) recomputed the group from their own
-- snapshots: the second one's DELETE could not see the rows the first had inserted and its INSERT then broke the
-- primary key (a failed write, never a wrong figure). The refresh of migration 0840, with a transaction-level
-- advisory lock per group taken before it reads; the whole recompute (rollup_scope_month_rebuild) locks the tables.
CREATE OR REPLACE FUNCTION rollup_scope_month_refresh(p_table text, p_months date[], p_departements text[], p_kinds text[])
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
  -- One writer at a time per group, until commit: months recomputed whole exclusively, the months of the groups
  -- shared, then the groups, each pass in a fixed order (no deadlock between two calls). The statements below
  -- start after the lock is granted, so they read the cells and groups the previous writer committed. A bulk
  -- statement (more than 64 groups) locks the table instead: advisory locks share the server's lock table, which
  -- thousands of groups would fill.
  IF cardinality(whole) + coalesce(cardinality(gm), 0) > 64 THEN
    IF p_table = 'exit' THEN
      LOCK TABLE rollup_exit_scope_month IN EXCLUSIVE MODE;
    ELSE
      LOCK TABLE rollup_entry_scope_month IN EXCLUSIVE MODE;
    END IF;
  ELSE
    PERFORM CASE WHEN x.m = ANY (whole) THEN pg_advisory_xact_lock(841, hashtext(p_table || '/' || x.m::text))
      ELSE pg_advisory_xact_lock_shared(841, hashtext(p_table || '/' || x.m::text)) END
    FROM (SELECT DISTINCT m FROM unnest(whole || coalesce(gm, '{}')) AS u(m) ORDER BY m) x;
    PERFORM pg_advisory_xact_lock(840, hashtext(p_table || '/' || g.m::text || '/' || g.d || '/' || g.k))
    FROM (SELECT DISTINCT m, d, k FROM unnest(gm, gd, gk) AS u(m, d, k) ORDER BY m, d, k) g;
  END IF;
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

-- Every group recomputed from the cells, the two tables locked against the per-group refreshes meanwhile.
CREATE OR REPLACE FUNCTION rollup_scope_month_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE rollup_exit_scope_month, rollup_entry_scope_month IN EXCLUSIVE MODE;
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
