-- Rollup tables created by migrations numbered before 0210 but applied after it on an existing database
-- (0102, 0103 landed later) get the data-generation trigger too. Idempotent. A later migration creating a
-- table read by src/indicators calls watch_data_generation('its_table') itself (checked by
-- src/server/cache/indicatorsCache.db.test.ts).
SELECT watch_data_generation(tablename::text) FROM pg_tables
WHERE schemaname = current_schema() AND tablename LIKE 'rollup\_%';
