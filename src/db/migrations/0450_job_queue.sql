-- One durable queue for background work (docs/decisions/0004-job-queue.md): imports uploaded through
-- the web or found in the FluxIAE drop folder, and the nightly retention. Every app instance is
-- also a worker: it claims a queued job with FOR UPDATE SKIP LOCKED (one statement, so no connection
-- is held while waiting — PGlite has only one), renews its lease while the job runs, and another
-- instance takes back a job whose lease ran out (its holder died): queued again while attempts remain,
-- failed with a message otherwise. Status, progress and outcome are readable from every instance.
CREATE TABLE job (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('import', 'retention')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  payload jsonb NOT NULL DEFAULT '{}',
  -- Who asked (app_user), and for which territory (null: national), as import_run: who may read the job.
  owner_id bigint REFERENCES app_user (id) ON DELETE SET NULL,
  departement_code text,
  -- A scheduled job is enqueued once whatever the number of instances (retention:2025-06-01, drop file checksum).
  dedupe_key text UNIQUE,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 2 CHECK (max_attempts >= 1),
  run_after timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  lease_until timestamptz,
  progress jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  CHECK ((status = 'running') = (locked_by IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX job_queued ON job (run_after, created_at) WHERE status = 'queued';
CREATE INDEX job_running_lease ON job (lease_until) WHERE status = 'running';
CREATE INDEX job_finished ON job (finished_at) WHERE finished_at IS NOT NULL;

-- The uploaded file of a job, in the database so that any instance can run it; in chunks (a bytea
-- parameter is sent as text: one 512 MiB value would not fit in a JavaScript string). Deleted with the
-- job's end (the job row keeps the outcome; the import_run keeps the checksum).
CREATE TABLE job_file_chunk (
  job_id uuid NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (job_id, seq)
);
