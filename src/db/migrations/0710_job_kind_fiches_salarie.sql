-- The export of a structure's fiches salarié (RIAE_FS batches recorded as sent) also goes through the job
-- queue (docs/decisions/0004-job-queue.md): a new job kind; the batch file is kept in job_result_chunk (0680).
ALTER TABLE job DROP CONSTRAINT job_kind_check;
ALTER TABLE job ADD CONSTRAINT job_kind_check CHECK (kind IN ('import', 'retention', 'report', 'fiches_salarie'));
