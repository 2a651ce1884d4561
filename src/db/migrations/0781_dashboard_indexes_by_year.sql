-- A dashboard reads the requested years only, whatever the number of years stored (measured: 10 years of
-- generated data against 1, national scope).
-- The annexes with hours declared in the requested years (src/indicators/figures.ts, periodsHull): by year,
-- not a scan of every year's cells.
CREATE INDEX rollup_annex_year_year_idx ON rollup_annex_year (year, annex_id);
-- The follow-ups falling due in the period, for the nation (a territory reads the primary key's structure
-- then month): by exit month, not a scan of every year's cells.
CREATE INDEX rollup_follow_up_month_exit_month_idx ON rollup_follow_up_month (exit_month);
