-- Reports, exports and fiches salarié batches are produced by the job queue (docs/decisions/0004-job-queue.md)
-- instead of inside the HTTP request: new job kinds, and the produced file kept in the database (as the
-- uploaded file of an import is, in chunks) so that any instance can serve it; it goes with the job
-- (finished jobs are pruned after 30 days).
ALTER TABLE job DROP CONSTRAINT job_kind_check;
ALTER TABLE job ADD CONSTRAINT job_kind_check CHECK (kind IN ('import', 'retention', 'report'));

CREATE TABLE job_result_chunk (
  job_id uuid NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (job_id, seq)
);
