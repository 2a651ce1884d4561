-- The indicators read rollup_follow_up_month (migration 0662): the response cache must see its changes.
SELECT watch_data_generation('rollup_follow_up_month');
