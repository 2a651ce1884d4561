-- Structures (SIAE), groups, sites, conventions, financial annexes and their funding.

CREATE TABLE structure_group (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A structure is identified by (ASP id or SIRET, kind): one legal entity may carry several kinds
-- (iae-reference §1.1, design §4).
CREATE TABLE structure (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('ACI', 'AI', 'EI', 'ETTI', 'EITI')),
  asp_id bigint CHECK (asp_id > 0),
  siret text CHECK (siret ~ '^[0-9]{14}$'),
  name text NOT NULL CHECK (length(name) > 0),
  legal_form text,
  naf_code text CHECK (naf_code ~ '^[0-9]{2}\.?[0-9]{2}[A-Z]$'),
  address_line text,
  postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
  commune_code text REFERENCES ref_commune (code),
  commune_name text,
  departement_code text NOT NULL REFERENCES ref_departement (code),
  departement_asp_code text REFERENCES ref_departement_asp_code (asp_code),
  phone text,
  email text,
  -- When the structure was first conventioned (created) and when it stopped.
  created_on date,
  closed_on date,
  -- true for rows made up by the demo generator (never for imported rows).
  is_synthetic boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT 'saisie',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (asp_id IS NOT NULL OR siret IS NOT NULL),
  CHECK (closed_on IS NULL OR created_on IS NULL OR closed_on >= created_on)
);
CREATE UNIQUE INDEX structure_asp_id_kind_key ON structure (asp_id, kind) WHERE asp_id IS NOT NULL;
CREATE UNIQUE INDEX structure_siret_kind_key ON structure (siret, kind) WHERE siret IS NOT NULL;
CREATE INDEX structure_departement_idx ON structure (departement_code, kind);

CREATE TABLE structure_group_member (
  group_id bigint NOT NULL REFERENCES structure_group (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, structure_id)
);
CREATE INDEX structure_group_member_structure_idx ON structure_group_member (structure_id);

-- A site belongs to one structure or is shared by a group.
CREATE TABLE site (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint REFERENCES structure (id) ON DELETE CASCADE,
  group_id bigint REFERENCES structure_group (id) ON DELETE CASCADE,
  name text NOT NULL,
  address_line text,
  postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
  commune_code text REFERENCES ref_commune (code),
  surface_m2 numeric(10, 2) CHECK (surface_m2 > 0),
  permanent_staff integer CHECK (permanent_staff >= 0),
  opened_on date,
  closed_on date,
  CHECK (num_nonnulls(structure_id, group_id) = 1),
  CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX site_structure_idx ON site (structure_id);
CREATE INDEX site_group_idx ON site (group_id);

CREATE TABLE convention (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  number text NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  signed_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (structure_id, number),
  CHECK (ends_on >= starts_on)
);

-- Annexe financière (iae-reference §2.1): one row per version (renewal A<n>, modification M<n>).
CREATE TABLE financial_annex (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  convention_id bigint REFERENCES convention (id) ON DELETE SET NULL,
  asp_af_id bigint UNIQUE CHECK (asp_af_id > 0),
  number_prefix text NOT NULL CHECK (number_prefix ~ '^(ACI|EI|AI|ETTI|EITI|FDI)[0-9]{2}[0-9A-Z][0-9]{6}$'),
  renewal smallint NOT NULL DEFAULT 0 CHECK (renewal BETWEEN 0 AND 9),
  modification smallint NOT NULL DEFAULT 0 CHECK (modification BETWEEN 0 AND 9),
  number text GENERATED ALWAYS AS (number_prefix || 'A' || renewal::text || 'M' || modification::text) STORED,
  mesure_code text NOT NULL REFERENCES ref_mesure (code),
  state text NOT NULL CHECK (state IN ('BROUILLON', 'SAISI', 'VALIDE', 'PROVISOIRE', 'REJETE', 'HISTORISE',
                                       'ANNULE', 'DEMANDE_ANNULATION', 'CLOTURE')),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  -- ETP d'insertion conventionnés: monthly average in ETP (af_etp_postes_insertion).
  etp numeric(10, 2) NOT NULL CHECK (etp >= 0),
  annual_hours numeric(8, 2) NOT NULL CHECK (annual_hours > 0),
  unit_amount numeric(12, 2) CHECK (unit_amount >= 0),
  total_amount numeric(14, 2) CHECK (total_amount >= 0),
  cofinanced boolean NOT NULL DEFAULT false,
  cofinanced_amount numeric(14, 2) NOT NULL DEFAULT 0 CHECK (cofinanced_amount >= 0),
  financer_code text,
  penitentiary boolean NOT NULL DEFAULT false,
  modulation_percent numeric(5, 2) CHECK (modulation_percent BETWEEN 0 AND 10),
  modulated_amount numeric(14, 2) CHECK (modulated_amount >= 0),
  forecast_exits integer CHECK (forecast_exits >= 0),
  forecast_dynamic_rate numeric(5, 2) CHECK (forecast_dynamic_rate BETWEEN 0 AND 100),
  forecast_durable_rate numeric(5, 2) CHECK (forecast_durable_rate BETWEEN 0 AND 100),
  forecast_transition_rate numeric(5, 2) CHECK (forecast_transition_rate BETWEEN 0 AND 100),
  forecast_positive_rate numeric(5, 2) CHECK (forecast_positive_rate BETWEEN 0 AND 100),
  signed_on date,
  -- Dates of each state (af_date_etat_*), as given by the ASP.
  state_dates jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- All FluxIAE columns not mapped above, kept so that an export gives back what was imported.
  extra jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (number_prefix, renewal, modification),
  CHECK (ends_on >= starts_on),
  CHECK (total_amount IS NULL OR cofinanced_amount <= total_amount),
  CHECK (cofinanced OR cofinanced_amount = 0)
);
CREATE INDEX financial_annex_structure_idx ON financial_annex (structure_id, starts_on);
CREATE INDEX financial_annex_period_idx ON financial_annex (starts_on, ends_on) WHERE state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE');

-- Amounts of an AF by funding line (State droit commun, ERBM, plan pauvreté, conseil départemental…).
CREATE TABLE financial_annex_funding (
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  funding_line_code text NOT NULL REFERENCES funding_line (code),
  amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (annex_id, funding_line_code)
);
CREATE INDEX financial_annex_funding_line_idx ON financial_annex_funding (funding_line_code);
