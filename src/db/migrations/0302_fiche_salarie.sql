-- Fiches salarié sent to the ASP (iae-reference §7.2): one record per (mesure, SIRET, PASS IAE).
-- fiche_salarie keeps, per record, what was last sent (PASS dates: a change makes a modification 'M'
-- movement) and the ASP's answer; fiche_salarie_line keeps every line of every batch file
-- (RIAE_FS_<YYYYMMDDHHMMSS>.json, line = numLigne) with the return code of the ASP return file.
-- fiche_salarie_complement holds, per hiring (initial contract), the fields the ASP asks for that
-- Passerelle's other tables do not carry (birth commune, address split into ASP parts, situation of
-- the salarié at hiring), keyed by the ASP field names.
-- (Number 0302: 0301 was already used in this range by the Saint-Pierre-et-Miquelon referential.)

CREATE TABLE fiche_salarie (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  approval_id bigint NOT NULL REFERENCES approval (id) ON DELETE CASCADE,
  contract_id bigint NOT NULL REFERENCES contract (id) ON DELETE CASCADE,
  mesure_code text NOT NULL REFERENCES ref_mesure (code),
  siret text NOT NULL CHECK (siret ~ '^[0-9]{14}$'),
  -- idItou: 30 hexadecimal characters, stable per person, revealing nothing.
  id_itou text NOT NULL CHECK (id_itou ~ '^[0-9a-f]{30}$'),
  -- SENT: waiting for the return file; PROCESSED: accepted (0000, or 3436 already known to the ASP); REJECTED: to fix and resend.
  status text NOT NULL CHECK (status IN ('SENT', 'PROCESSED', 'REJECTED')),
  pass_starts_on date NOT NULL,
  pass_ends_on date NOT NULL,
  last_movement text NOT NULL CHECK (last_movement IN ('C', 'M')),
  last_batch_file text NOT NULL,
  last_line integer NOT NULL CHECK (last_line >= 1),
  last_sent_at timestamptz NOT NULL,
  return_code text,
  return_label text,
  returned_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (mesure_code, siret, approval_id),
  CHECK (pass_ends_on >= pass_starts_on)
);
CREATE INDEX fiche_salarie_structure_idx ON fiche_salarie (structure_id, status);
CREATE INDEX fiche_salarie_person_idx ON fiche_salarie (person_id);

CREATE TABLE fiche_salarie_line (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fiche_id bigint NOT NULL REFERENCES fiche_salarie (id) ON DELETE CASCADE,
  batch_file text NOT NULL CHECK (batch_file ~ '^RIAE_FS_[0-9]{14}\.json$'),
  line_number integer NOT NULL CHECK (line_number BETWEEN 1 AND 700),
  movement text NOT NULL CHECK (movement IN ('C', 'M')),
  pass_starts_on date NOT NULL,
  pass_ends_on date NOT NULL,
  sent_at timestamptz NOT NULL,
  return_code text CHECK (return_code ~ '^[0-9]{4}$'),
  return_label text,
  returned_at timestamptz,
  UNIQUE (batch_file, line_number)
);
CREATE INDEX fiche_salarie_line_fiche_idx ON fiche_salarie_line (fiche_id);

CREATE TABLE fiche_salarie_complement (
  contract_id bigint PRIMARY KEY REFERENCES contract (id) ON DELETE CASCADE,
  data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);
