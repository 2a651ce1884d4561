-- Data generation number for response caches (issue 9): any committed write to a table that feeds the
-- indicators changes it, so a cache keyed by (request, generation) never serves a response computed
-- before that write — also across several stateless servers on the same database (issue 7).
-- Read with one cheap query: SELECT sum(n) FROM data_generation (src/server/cache/dataGeneration.ts).
-- Several slots (one per backend, pid mod 16) so that concurrent writers rarely wait on the same row;
-- each slot only grows, so the sum grows at every committed bump. The bump is transactional (an UPDATE,
-- not a sequence): a reader never sees the new number before the write itself is visible.
CREATE TABLE data_generation (
  slot smallint PRIMARY KEY,
  n bigint NOT NULL DEFAULT 0
);
INSERT INTO data_generation (slot) SELECT generate_series(0, 15);

-- Statement-level trigger: bumps once per transaction (a transaction-local flag skips later statements
-- of the same transaction; a rolled-back savepoint also rolls the flag back).
CREATE FUNCTION bump_data_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('passerelle.data_generation_bumped', true) IS DISTINCT FROM 'on' THEN
    UPDATE data_generation SET n = n + 1 WHERE slot = pg_backend_pid() % 16;
    PERFORM set_config('passerelle.data_generation_bumped', 'on', true);
  END IF;
  RETURN NULL;
END $$;

-- Installs the trigger on a table (idempotent): later migrations creating a table read by the
-- indicators call SELECT watch_data_generation('table_name').
CREATE FUNCTION watch_data_generation(table_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_trigger WHERE tgrelid = table_name::regclass AND tgname = 'bump_data_generation'
  ) THEN
    EXECUTE format(
      'CREATE TRIGGER bump_data_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
      'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_generation()', table_name);
  END IF;
END $$;

-- Every table read by src/indicators (checked by src/server/cache/dataGeneration.db.test.ts), plus all
-- referentials and rollups present now.
SELECT watch_data_generation(t) FROM unnest(ARRAY[
  'structure', 'structure_group', 'structure_group_member', 'convention', 'financial_annex',
  'financial_annex_funding', 'funding_line', 'person', 'contract', 'monthly_declaration', 'exit'
]) AS t;
SELECT watch_data_generation(tablename::text) FROM pg_tables
WHERE schemaname = current_schema() AND (tablename LIKE 'ref\_%' OR tablename LIKE 'rollup\_%');
