-- The dashboards sum rollup_exit_month and rollup_entry_month over a period for the whole nation or a region:
-- tens of thousands of rows a year grouped by (motif, mesure) or mesure. Read through the month index, each row
-- cost a heap visit (about 12,000 buffers a period per table at scale 0.25); with the grouped and summed columns
-- in the index, PostgreSQL reads the index alone once the table is vacuumed. These indexes lead with the month,
-- so they replace the month-only ones of migration 0102.
CREATE INDEX rollup_exit_month_month_cover_idx ON rollup_exit_month (month, motif_code, mesure_code) INCLUDE (structure_id, examined);
DROP INDEX rollup_exit_month_month_idx;
CREATE INDEX rollup_entry_month_month_cover_idx ON rollup_entry_month (month, mesure_code) INCLUDE (structure_id, entries, rsa_entries);
DROP INDEX rollup_entry_month_month_idx;
