-- Users, memberships and roles, sessions, audit trail, import runs.

CREATE TABLE app_user (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name text NOT NULL,
  password_hash text,
  oidc_subject text UNIQUE,
  -- national (DGEFP), regional (DREETS), departemental (DDETS), conseil_departemental, siae, admin.
  role text NOT NULL CHECK (role IN ('national', 'regional', 'departemental', 'conseil_departemental', 'siae', 'admin')),
  region_code text REFERENCES ref_region (code),
  departement_code text REFERENCES ref_departement (code),
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'regional' OR region_code IS NOT NULL),
  CHECK (role NOT IN ('departemental', 'conseil_departemental') OR departement_code IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_email_key ON app_user (email);

-- SIAE membership; is_admin members invite and remove members.
CREATE TABLE membership (
  user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, structure_id)
);
CREATE INDEX membership_structure_idx ON membership (structure_id);

CREATE TABLE invitation (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  email text NOT NULL,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  is_admin boolean NOT NULL DEFAULT false,
  invited_by bigint REFERENCES app_user (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions (any app instance can serve them). id = SHA-256 of the cookie token.
CREATE TABLE user_session (
  id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- Audit trail: append-only (a trigger refuses UPDATE and DELETE).
CREATE TABLE audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id bigint,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  person_id bigint,
  structure_id bigint,
  before jsonb,
  after jsonb,
  ip text
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_person_idx ON audit_event (person_id) WHERE person_id IS NOT NULL;

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

CREATE TABLE import_run (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  source text NOT NULL,
  format text NOT NULL,
  checksum text,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'dry_run')),
  dry_run boolean NOT NULL DEFAULT false,
  rows_read integer NOT NULL DEFAULT 0,
  inserted integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  duration_ms integer,
  user_id bigint REFERENCES app_user (id) ON DELETE SET NULL,
  error text
);

CREATE TABLE import_rejection (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  import_run_id bigint NOT NULL REFERENCES import_run (id) ON DELETE CASCADE,
  file text NOT NULL,
  line integer,
  column_name text,
  reason text NOT NULL,
  severity text NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning'))
);
CREATE INDEX import_rejection_run_idx ON import_rejection (import_run_id);
