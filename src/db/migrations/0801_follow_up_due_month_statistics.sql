-- The follow-up figures select the cells of rollup_follow_up_month whose follow-up falls due in the period:
-- (exit_month + horizon months) between two dates. Without statistics on that expression PostgreSQL guesses
-- 0.5 % of the rows (328 for 27,773 nationally at scale 0.25): it then sorts them all for the grouping, and for a
-- département the guess flips between plans from one ANALYZE to the next (10 vs 57 ms measured on the same
-- data). Planner statistics only: no result changes. ANALYZE here so that an existing database has them at once.
CREATE STATISTICS rollup_follow_up_month_due_stats ON ((exit_month + make_interval(months => horizon))::date) FROM rollup_follow_up_month;
ANALYZE rollup_follow_up_month;
