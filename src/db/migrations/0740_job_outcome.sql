-- A job whose result must commit with the work it records (a fiches salarié export: the batches recorded as
-- sent and their file) writes that result here, in the work's own transaction, instead of in its job row:
-- the row stays free for the worker's lease renewals and progress while the work runs (a row lock on job
-- would make them wait for the commit). A retry after its instance died finds the result here and hands
-- back the recorded file instead of doing the work again. Goes with the job.
CREATE TABLE job_outcome (
  job_id uuid PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
  result jsonb NOT NULL
);
