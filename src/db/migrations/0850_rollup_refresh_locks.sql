-- Rollups recomputed by DELETE + INSERT of their keys (entries, exits, follow-up per (structure, month); repeated
-- entries per person; annex × year and multi-structure persons) raced when two
-- transactions recomputed the same key at once: the second one, not seeing the first one's uncommitted rows, failed
-- on the primary key when the first committed (src/indicators/rollupsConcurrent.db.test.ts: two hirings in one SIAE
-- and month, two persons' hours on one annex and year). The same as migration 0842 does for the (month,
-- département, kind) groups of migration 0840, with its own lock keys. Each refresh now first takes a
-- transaction-level advisory lock on its keys, in a fixed order; the recompute that follows runs after the other
-- transaction has committed and, in READ COMMITTED, each of its statements sees that commit. The delta rollups of
-- migration 0101 (INSERT … ON CONFLICT DO UPDATE) need no lock.
--
-- Lock keys: (namespace, hash of the key). Namespaces: 1 structure, 2 person, 3 annex. A refresh of more than 64
-- keys (rebuildRollups, bulk loads) takes instead the whole namespace: key (0, namespace), exclusive; a refresh of
-- a few keys holds (0, namespace) shared. Hash collisions only make two writers wait for each other.
--
-- The refresh functions keep their names, which the triggers and src/db/rollups.ts call; their bodies move to
-- <name>_unlocked. A later migration that redefines a body must redefine <name>_unlocked, not <name>.
CREATE FUNCTION rollup_lock_all(p_namespace integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(0, p_namespace);
END $$;

CREATE FUNCTION rollup_lock(p_namespace integer, p_keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  k integer;
  ks integer[];
BEGIN
  IF p_keys IS NULL OR cardinality(p_keys) = 0 THEN RETURN; END IF;
  IF cardinality(p_keys) <= 1000 THEN
    SELECT array_agg(DISTINCT x ORDER BY x) INTO ks FROM unnest(p_keys) AS u(x) WHERE x IS NOT NULL;
  END IF;
  IF ks IS NULL OR cardinality(ks) > 64 THEN
    PERFORM rollup_lock_all(p_namespace);
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(0, p_namespace);
  FOREACH k IN ARRAY ks LOOP
    PERFORM pg_advisory_xact_lock(p_namespace, k);
  END LOOP;
END $$;

ALTER FUNCTION rollup_entry_refresh(bigint[], date[]) RENAME TO rollup_entry_refresh_unlocked;
CREATE FUNCTION rollup_entry_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  PERFORM rollup_lock(1, (SELECT array_agg(hashint8(s)) FROM unnest(p_structures) AS u(s)));
  PERFORM rollup_entry_refresh_unlocked(p_structures, p_months);
END $$;

ALTER FUNCTION rollup_exit_refresh(bigint[], date[]) RENAME TO rollup_exit_refresh_unlocked;
CREATE FUNCTION rollup_exit_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  PERFORM rollup_lock(1, (SELECT array_agg(hashint8(s)) FROM unnest(p_structures) AS u(s)));
  PERFORM rollup_exit_refresh_unlocked(p_structures, p_months);
END $$;

ALTER FUNCTION rollup_follow_up_refresh(bigint[], date[]) RENAME TO rollup_follow_up_refresh_unlocked;
CREATE FUNCTION rollup_follow_up_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  PERFORM rollup_lock(1, (SELECT array_agg(hashint8(s)) FROM unnest(p_structures) AS u(s)));
  PERFORM rollup_follow_up_refresh_unlocked(p_structures, p_months);
END $$;

ALTER FUNCTION rollup_entry_repeat_refresh(bigint[]) RENAME TO rollup_entry_repeat_refresh_unlocked;
CREATE FUNCTION rollup_entry_repeat_refresh(p_persons bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_persons IS NULL OR cardinality(p_persons) = 0 THEN RETURN; END IF;
  PERFORM rollup_lock(2, (SELECT array_agg(hashint8(p)) FROM unnest(p_persons) AS u(p)));
  PERFORM rollup_entry_repeat_refresh_unlocked(p_persons);
END $$;

-- Persons first (their multi-structure rows), then the annexes the body will recompute: those given and those
-- of the persons' rows of the years, read once the persons are locked.
ALTER FUNCTION rollup_annex_year_refresh(smallint[], bigint[], bigint[]) RENAME TO rollup_annex_year_refresh_unlocked;
CREATE FUNCTION rollup_annex_year_refresh(p_years smallint[], p_persons bigint[], p_annexes bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_years IS NULL OR cardinality(p_years) = 0 THEN RETURN; END IF;
  PERFORM rollup_lock(2, (SELECT array_agg(hashint8(p)) FROM unnest(p_persons) AS u(p)));
  IF cardinality(p_years) <= 1000 THEN
    PERFORM rollup_lock(3, (
      SELECT array_agg(hashint8(a)) FROM (
        SELECT a FROM unnest(p_annexes) AS u(a)
        UNION SELECT py.annex_id FROM rollup_person_year py
          JOIN (SELECT DISTINCT y, p FROM unnest(p_years, p_persons) AS u(y, p)) k ON py.year = k.y AND py.person_id = k.p) x));
  ELSE
    PERFORM rollup_lock_all(3);
  END IF;
  PERFORM rollup_annex_year_refresh_unlocked(p_years, p_persons, p_annexes);
END $$;
