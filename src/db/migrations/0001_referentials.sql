-- Referentials (ASP nomenclatures, geography, calendar, barème).
-- Loaded from data/reference/ by src/db/seedReference.ts right after the migrations.
-- Rules: docs/GLOSSARY.md; sources: data/reference/SOURCES.md.

-- Checksum of the reference files last loaded (the loader skips unchanged data).
CREATE TABLE reference_data_version (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ref_region (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name text NOT NULL
);

-- INSEE département code ('62', '2A', '971').
CREATE TABLE ref_departement (
  code text PRIMARY KEY CHECK (code ~ '^([0-9]{2}|2A|2B|97[1-6])$'),
  name text NOT NULL,
  region_code text NOT NULL REFERENCES ref_region (code)
);

-- ASP 3-character département codes ('062', '02A', '59L', '59V', '971') -> INSEE code (iae-reference §7).
CREATE TABLE ref_departement_asp_code (
  asp_code text PRIMARY KEY CHECK (asp_code ~ '^[0-9A-Z]{3}$'),
  departement_code text NOT NULL REFERENCES ref_departement (code)
);

CREATE TABLE ref_commune (
  code text PRIMARY KEY CHECK (code ~ '^[0-9][0-9AB][0-9]{3}$'),
  name text NOT NULL,
  departement_code text NOT NULL REFERENCES ref_departement (code)
);
CREATE INDEX ref_commune_departement_idx ON ref_commune (departement_code);

CREATE TABLE ref_postal_code (
  postal_code text NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
  commune_code text NOT NULL REFERENCES ref_commune (code),
  PRIMARY KEY (postal_code, commune_code)
);
CREATE INDEX ref_postal_code_commune_idx ON ref_postal_code (commune_code);

CREATE TABLE ref_public_holiday (
  day date NOT NULL,
  zone text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (day, zone)
);

-- ASP "mesures" (ref_mesure_v2 ids 1..8, plus ACIPA/EIPA seen in FluxIAE).
CREATE TABLE ref_mesure (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]+_(DC|MP)$'),
  asp_id integer UNIQUE,
  kind text NOT NULL CHECK (kind IN ('ACI', 'AI', 'EI', 'ETTI', 'EITI', 'FDI', 'ACIPA', 'EIPA')),
  label text NOT NULL,
  -- FDI (grants), ACIPA/EIPA are excluded from posts, ETP and exits (iae-reference §1.1, §6.3).
  counts_for_posts boolean NOT NULL,
  penitentiary boolean NOT NULL DEFAULT false
);

CREATE TABLE ref_exit_category (
  code integer PRIMARY KEY,
  label text NOT NULL,
  grp text NOT NULL CHECK (grp IN ('durable', 'transition', 'positive', 'other', 'retrait')),
  confidence text NOT NULL DEFAULT 'H' CHECK (confidence IN ('H', 'M', 'L'))
);

CREATE TABLE ref_exit_motif (
  code integer PRIMARY KEY,
  label text NOT NULL,
  category_code integer NOT NULL REFERENCES ref_exit_category (code),
  confidence text NOT NULL DEFAULT 'H' CHECK (confidence IN ('H', 'M', 'L'))
);

CREATE TABLE ref_eligibility_criterion (
  code text PRIMARY KEY,
  level smallint NOT NULL CHECK (level IN (1, 2)),
  label text NOT NULL,
  description text,
  written_proof text,
  proof_validity text,
  certifiable boolean NOT NULL DEFAULT false
);

CREATE TABLE ref_education_level (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  label text NOT NULL
);

CREATE TABLE ref_orienteur (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  label text NOT NULL
);

-- Social and professional barriers ("freins") worked on in support actions.
CREATE TABLE ref_barrier (
  code text PRIMARY KEY,
  label text NOT NULL
);

-- Aide au poste barème: montant socle per ETP and year (iae-reference §2.3).
CREATE TABLE ref_aid_rate (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('ACI', 'AI', 'EI', 'ETTI', 'EITI', 'CONTRAT_PASSERELLE')),
  territory text NOT NULL CHECK (territory IN ('droit_commun', 'penitentiaire', 'mayotte')),
  valid_from date NOT NULL,
  valid_to date,
  unit_amount numeric(12, 2) NOT NULL CHECK (unit_amount > 0),
  accompaniment_amount numeric(12, 2),
  confidence text NOT NULL CHECK (confidence IN ('H', 'M', 'L')),
  source text NOT NULL,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX ref_aid_rate_lookup_idx ON ref_aid_rate (kind, territory, valid_from);

-- Default annual hours per ETP for a new AF (an existing AF always carries its own value, §3.1).
CREATE TABLE ref_annual_hours (
  kind text PRIMARY KEY CHECK (kind IN ('ACI', 'AI', 'EI', 'ETTI', 'EITI')),
  hours numeric(8, 2) NOT NULL CHECK (hours > 0),
  confidence text NOT NULL CHECK (confidence IN ('H', 'M', 'L'))
);

-- Funding lines of an AF: State droit commun, specific programmes (ERBM, plan pauvreté), conseil départemental…
CREATE TABLE funding_line (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]+$'),
  label text NOT NULL,
  financer text NOT NULL CHECK (financer IN ('etat', 'departement', 'autre'))
);
