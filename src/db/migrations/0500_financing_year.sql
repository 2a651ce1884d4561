-- The DDETS year: financing requests of the SIAE (demandes de conventionnement / renouvellement) and their
-- instruction, the dialogue de gestion sheet, the part modulée grid and decisions, the envelope notified to the
-- département for the CDIAE (iae-reference §2.1, §2.2; docs/ddets-year.md).

-- One request per structure and year of the AF it asks for.
-- States: brouillon → deposee → en_instruction → proposee → avis_cdiae → decidee (src/domain/financing/requestStates.ts).
CREATE TABLE financing_request (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 2014 AND 2100),
  state text NOT NULL DEFAULT 'brouillon'
    CHECK (state IN ('brouillon', 'deposee', 'en_instruction', 'proposee', 'avis_cdiae', 'decidee')),
  -- Requested by the SIAE: ETP d'insertion (monthly average, af_etp_postes_insertion), co-financing declared,
  -- forecast objectives (af_taux_prev_sorties_*), project text.
  requested_etp numeric(10, 2) CHECK (requested_etp > 0),
  cofinancing_declared numeric(14, 2) NOT NULL DEFAULT 0 CHECK (cofinancing_declared >= 0),
  cofinancer text,
  forecast_dynamic_rate numeric(5, 2) CHECK (forecast_dynamic_rate BETWEEN 0 AND 100),
  forecast_durable_rate numeric(5, 2) CHECK (forecast_durable_rate BETWEEN 0 AND 100),
  forecast_transition_rate numeric(5, 2) CHECK (forecast_transition_rate BETWEEN 0 AND 100),
  forecast_positive_rate numeric(5, 2) CHECK (forecast_positive_rate BETWEEN 0 AND 100),
  project_public text NOT NULL DEFAULT '',
  project_support text NOT NULL DEFAULT '',
  project_training text NOT NULL DEFAULT '',
  project_activity text NOT NULL DEFAULT '',
  -- The DDETS agent's proposal (amount computed by the domain from the barème, never typed).
  proposed_etp numeric(10, 2) CHECK (proposed_etp > 0),
  proposed_modulation_percent numeric(5, 2) CHECK (proposed_modulation_percent BETWEEN 0 AND 10),
  proposed_amount numeric(14, 2) CHECK (proposed_amount >= 0),
  -- CDIAE opinion.
  cdiae_session_on date,
  cdiae_opinion text CHECK (cdiae_opinion IN ('favorable', 'reserve', 'defavorable')),
  -- The préfet's decision and the AF it created or renewed.
  decision text CHECK (decision IN ('accordee', 'partiellement_accordee', 'refusee')),
  decided_etp numeric(10, 2) CHECK (decided_etp >= 0),
  decided_amount numeric(14, 2) CHECK (decided_amount >= 0),
  annex_id bigint REFERENCES financial_annex (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (structure_id, year),
  CHECK ((state = 'decidee') = (decision IS NOT NULL)),
  CHECK (decision IS NULL OR decision = 'refusee' OR annex_id IS NOT NULL)
);
CREATE INDEX financing_request_year_idx ON financing_request (year, state);

-- Every transition with its comment (the audit trail holds the same, this is the request's own history).
CREATE TABLE financing_request_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id bigint NOT NULL REFERENCES financing_request (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id bigint,
  actor_label text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  comment text NOT NULL DEFAULT ''
);
CREATE INDEX financing_request_event_request_idx ON financing_request_event (request_id, id);

-- Attachments: PDF only (checked on the magic bytes), size-limited, stored in the database.
CREATE TABLE financing_request_attachment (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id bigint NOT NULL REFERENCES financing_request (id) ON DELETE CASCADE,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL CHECK (content_type = 'application/pdf'),
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX financing_request_attachment_request_idx ON financing_request_attachment (request_id);

-- Part modulée grid of a département and year, versioned (a new version per edit; the highest is in force).
-- criteria: [{ id, family, measure, thresholds: [{ min, points }], weight }] (src/domain/financing/modulationGrid.ts).
CREATE TABLE modulation_grid (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  departement_code text NOT NULL REFERENCES ref_departement (code),
  year integer NOT NULL CHECK (year BETWEEN 2014 AND 2100),
  version integer NOT NULL CHECK (version >= 1),
  criteria jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (departement_code, year, version)
);

-- Part modulée of a structure for a year: proposed by the grid (calculation kept line by line), decided by the agent.
CREATE TABLE structure_modulation (
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 2014 AND 2100),
  grid_id bigint NOT NULL REFERENCES modulation_grid (id),
  penitentiary boolean NOT NULL DEFAULT false,
  proposed_percent numeric(5, 2) NOT NULL CHECK (proposed_percent BETWEEN 0 AND 10),
  decided_percent numeric(5, 2) CHECK (decided_percent BETWEEN 0 AND 10),
  override_reason text,
  socle_total numeric(14, 2) NOT NULL CHECK (socle_total >= 0),
  amount numeric(14, 2) CHECK (amount >= 0),
  criteria jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (structure_id, year),
  CHECK (penitentiary = false OR proposed_percent <= 5),
  CHECK (penitentiary = false OR decided_percent IS NULL OR decided_percent <= 5),
  CHECK ((decided_percent IS NULL) = (amount IS NULL)),
  CHECK (decided_percent IS NULL OR decided_percent = proposed_percent OR length(coalesce(override_reason, '')) > 0)
);

-- Dialogue de gestion: what the agent writes (the figures are computed, not stored).
-- next_objectives: { etp, dynamicRate, durableRate, transitionRate, positiveRate } pre-filling the request of year + 1.
CREATE TABLE dialogue_sheet (
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 2014 AND 2100),
  conclusions text NOT NULL DEFAULT '',
  next_objectives jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (structure_id, year)
);

-- Envelope notified to the département for a year, per funding line (BOP 102 droit commun, ERBM, pauvreté, CD).
CREATE TABLE notified_envelope (
  departement_code text NOT NULL REFERENCES ref_departement (code),
  year integer NOT NULL CHECK (year BETWEEN 2014 AND 2100),
  funding_line_code text NOT NULL REFERENCES funding_line (code),
  amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
  notified_on date,
  PRIMARY KEY (departement_code, year, funding_line_code)
);
