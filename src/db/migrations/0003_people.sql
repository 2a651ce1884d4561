-- People (salariés) and their parcours: eligibility, PASS IAE, contracts, monthly hours,
-- support actions, trainings, exits.

-- One human. NIR stored encrypted (AES-256-GCM, see src/server/crypto) + salted hash for matching
-- across structures; never the clear NIR.
CREATE TABLE person (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  nir_encrypted text,
  nir_hash text UNIQUE CHECK (nir_hash ~ '^[0-9a-f]{64}$'),
  -- Numéro technique temporaire when no NIR or a temporary one (7/8), iae-reference §9.
  ntt text CHECK (length(ntt) BETWEEN 11 AND 40),
  civility text CHECK (civility IN ('M', 'MME')),
  last_name text,
  birth_name text,
  first_name text,
  birth_date date,
  birth_year smallint CHECK (birth_year BETWEEN 1900 AND 2100),
  birth_country_code text,
  address_line text,
  postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
  commune_code text REFERENCES ref_commune (code),
  departement_code text REFERENCES ref_departement (code),
  email text,
  phone text,
  education_level_code text REFERENCES ref_education_level (code),
  is_qpv boolean,
  is_zrr boolean,
  is_synthetic boolean NOT NULL DEFAULT false,
  pseudonymised boolean NOT NULL DEFAULT false,
  anonymised_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (birth_date IS NULL OR birth_year IS NULL OR birth_year = extract(year FROM birth_date))
);

-- FluxIAE identifies a person within one structure (salarie_id / emi_pph_id / contrat_id_pph).
CREATE TABLE person_asp_id (
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  asp_pph_id bigint NOT NULL,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  PRIMARY KEY (structure_id, asp_pph_id)
);
CREATE INDEX person_asp_id_person_idx ON person_asp_id (person_id);

-- Diagnostic d'éligibilité (iae-reference §4).
CREATE TABLE eligibility_diagnosis (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  author_kind text NOT NULL CHECK (author_kind IN ('prescriber', 'siae')),
  author_structure_id bigint REFERENCES structure (id) ON DELETE SET NULL,
  prescriber_organization text,
  made_on date NOT NULL,
  expires_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_on >= made_on),
  CHECK (author_kind = 'prescriber' OR author_structure_id IS NOT NULL)
);
CREATE INDEX eligibility_diagnosis_person_idx ON eligibility_diagnosis (person_id);

CREATE TABLE eligibility_diagnosis_criterion (
  diagnosis_id bigint NOT NULL REFERENCES eligibility_diagnosis (id) ON DELETE CASCADE,
  criterion_code text NOT NULL REFERENCES ref_eligibility_criterion (code),
  certified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (diagnosis_id, criterion_code)
);

-- PASS IAE (iae-reference §5). Number encrypted + hash, like the NIR.
CREATE TABLE approval (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  number_encrypted text,
  number_hash text UNIQUE CHECK (number_hash ~ '^[0-9a-f]{64}$'),
  -- Last 4 characters, for display without decrypting.
  number_last4 text CHECK (number_last4 ~ '^[0-9A-Z]{4}$'),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  diagnosis_id bigint REFERENCES eligibility_diagnosis (id) ON DELETE SET NULL,
  origin text NOT NULL DEFAULT 'default' CHECK (origin IN ('default', 'pe_approval', 'ai_stock', 'admin', 'import')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX approval_person_idx ON approval (person_id);

CREATE TABLE approval_suspension (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  approval_id bigint NOT NULL REFERENCES approval (id) ON DELETE CASCADE,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  reason text NOT NULL CHECK (reason IN ('CONTRACT_SUSPENDED', 'CONTRACT_BROKEN', 'FINISHED_CONTRACT',
    'APPROVAL_BETWEEN_CTA_MEMBERS', 'CONTRAT_PASSERELLE', 'SICKNESS', 'MATERNITY', 'INCARCERATION',
    'TRIAL_OUTSIDE_IAE', 'DETOXIFICATION', 'FORCE_MAJEURE')),
  declared_by_structure_id bigint REFERENCES structure (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX approval_suspension_approval_idx ON approval_suspension (approval_id);

CREATE TABLE approval_prolongation (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  approval_id bigint NOT NULL REFERENCES approval (id) ON DELETE CASCADE,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  reason text NOT NULL CHECK (reason IN ('COMPLETE_TRAINING', 'SENIOR_CDI', 'RQTH', 'SENIOR',
    'PARTICULAR_DIFFICULTIES', 'HEALTH_CONTEXT')),
  declared_by_structure_id bigint REFERENCES structure (id) ON DELETE SET NULL,
  prescriber_organization text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX approval_prolongation_approval_idx ON approval_prolongation (approval_id);

-- Contracts (iae-reference §1.3, §1.4, §7.1 ContratMission). rank 0 = initial, n = n-th renewal;
-- a "recruitment" is the initial contract and its renewals: recruitment_id = id of the initial contract
-- on renewals, NULL on the initial one (its recruitment key is coalesce(recruitment_id, id)).
CREATE TABLE contract (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asp_contract_id bigint UNIQUE CHECK (asp_contract_id > 0),
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  recruitment_id bigint REFERENCES contract (id) ON DELETE CASCADE,
  rank smallint NOT NULL DEFAULT 0 CHECK (rank >= 0),
  mesure_code text NOT NULL REFERENCES ref_mesure (code),
  contract_type text NOT NULL CHECK (contract_type IN ('CDDI', 'MISSION', 'MISE_A_DISPOSITION', 'CDD_USAGE',
    'CDI_INCLUSION', 'PROFESSIONNALISATION', 'ACCOMPAGNEMENT_TI', 'AUTRE')),
  starts_on date NOT NULL,
  planned_end_on date,
  -- Date de sortie définitive (contrat_date_sortie_definitive).
  exit_on date,
  weekly_hours numeric(5, 2) CHECK (weekly_hours >= 0 AND weekly_hours <= 48),
  monthly_gross_pay numeric(10, 2) CHECK (monthly_gross_pay >= 0),
  rome_code text CHECK (rome_code ~ '^[A-N][0-9]{4}$'),
  -- contrat_salarie_rsa at entry: NON, OUI-M (majoré), OUI-NM (non majoré).
  rsa text NOT NULL DEFAULT 'NON' CHECK (rsa IN ('NON', 'OUI-M', 'OUI-NM')),
  rqth boolean NOT NULL DEFAULT false,
  aged_50_or_more boolean,
  orienteur_code text REFERENCES ref_orienteur (code),
  education_level_code text REFERENCES ref_education_level (code),
  approval_id bigint REFERENCES approval (id) ON DELETE SET NULL,
  extra jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (planned_end_on IS NULL OR planned_end_on >= starts_on),
  CHECK (exit_on IS NULL OR exit_on >= starts_on),
  CHECK ((rank = 0) = (recruitment_id IS NULL))
);
CREATE INDEX contract_person_idx ON contract (person_id);
CREATE INDEX contract_structure_idx ON contract (structure_id, starts_on);
CREATE INDEX contract_recruitment_idx ON contract (recruitment_id);

-- États mensuels individuels: hours per salarié × AF × month (iae-reference §3.2, §7.1 EtatMensuelIndiv).
CREATE TABLE monthly_declaration (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asp_emi_id bigint UNIQUE,
  annex_id bigint NOT NULL REFERENCES financial_annex (id) ON DELETE CASCADE,
  contract_id bigint NOT NULL REFERENCES contract (id) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  hours numeric(7, 2) NOT NULL CHECK (hours >= 0 AND hours <= 744),
  billed_hours numeric(7, 2) CHECK (billed_hours >= 0),
  gross_pay numeric(10, 2) CHECK (gross_pay >= 0),
  state text NOT NULL DEFAULT 'VALIDE' CHECK (state IN ('BROUILLON', 'VALIDE')),
  exit_motif_code integer REFERENCES ref_exit_motif (code),
  validated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (annex_id, contract_id, month)
);
CREATE INDEX monthly_declaration_structure_month_idx ON monthly_declaration (structure_id, month);
CREATE INDEX monthly_declaration_person_idx ON monthly_declaration (person_id);
CREATE INDEX monthly_declaration_contract_idx ON monthly_declaration (contract_id);

-- Support actions (accompagnement) and the barriers (freins) they address.
CREATE TABLE support_action (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  contract_id bigint REFERENCES contract (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('social', 'professionnel', 'technique')),
  starts_on date NOT NULL,
  ends_on date,
  hours numeric(7, 2) CHECK (hours >= 0),
  internal boolean NOT NULL DEFAULT true,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX support_action_person_idx ON support_action (person_id);
CREATE INDEX support_action_structure_idx ON support_action (structure_id, starts_on);

CREATE TABLE support_action_barrier (
  action_id bigint NOT NULL REFERENCES support_action (id) ON DELETE CASCADE,
  barrier_code text NOT NULL REFERENCES ref_barrier (code),
  PRIMARY KEY (action_id, barrier_code)
);

CREATE TABLE training (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  asp_training_id bigint UNIQUE,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  contract_id bigint REFERENCES contract (id) ON DELETE SET NULL,
  title text NOT NULL,
  objective_code text,
  type_code text,
  qualifying boolean NOT NULL DEFAULT false,
  starts_on date NOT NULL,
  ends_on date,
  hours numeric(7, 2) CHECK (hours >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX training_person_idx ON training (person_id);

-- Sortie: one per recruitment (initial contract + renewals), with the ASP motif.
-- The category comes from ref_exit_motif -> ref_exit_category, never from code (design §4).
CREATE TABLE exit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recruitment_id bigint NOT NULL UNIQUE REFERENCES contract (id) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  exit_on date NOT NULL,
  motif_code integer NOT NULL REFERENCES ref_exit_motif (code),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exit_structure_idx ON exit (structure_id, exit_on);
CREATE INDEX exit_person_idx ON exit (person_id);
