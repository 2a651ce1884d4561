-- Contrôle a posteriori of the hirings made on the SIAE's own eligibility diagnosis (iae-reference §4.4,
-- les-emplois itou/siae_evaluations: EvaluationCampaign, EvaluatedSiae, EvaluatedJobApplication,
-- EvaluatedAdministrativeCriteria, Sanctions). One campaign per département and period, drawn once from its
-- recorded seed (src/domain/controle/sampling.ts); the workflow is src/domain/controle/workflow.ts.

CREATE TABLE controle_campaign (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  departement_code text NOT NULL REFERENCES ref_departement (code),
  period_from date NOT NULL,
  period_to date NOT NULL,
  seed bigint NOT NULL CHECK (seed >= 0),
  percent integer NOT NULL CHECK (percent BETWEEN 20 AND 40),
  eligible_structures integer NOT NULL CHECK (eligible_structures >= 0),
  -- The SIAE's proofs, the DDETS's first review, the SIAE's adversarial proofs (then the final decisions).
  proofs_due_on date NOT NULL,
  review_due_on date NOT NULL,
  adversarial_due_on date NOT NULL,
  state text NOT NULL DEFAULT 'en_cours' CHECK (state IN ('en_cours', 'close')),
  created_by text NOT NULL,
  created_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (period_to >= period_from),
  CHECK (proofs_due_on > created_on AND review_due_on > proofs_due_on AND adversarial_due_on > review_due_on),
  UNIQUE (departement_code, period_from, period_to)
);

-- A selected structure and where its file stands.
-- States: pieces → soumis → (contradictoire → soumis_contradictoire) → decide.
CREATE TABLE controle_structure (
  campaign_id bigint NOT NULL REFERENCES controle_campaign (id) ON DELETE CASCADE,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  eligible_hirings integer NOT NULL CHECK (eligible_hirings >= 2),
  state text NOT NULL DEFAULT 'pieces'
    CHECK (state IN ('pieces', 'soumis', 'contradictoire', 'soumis_contradictoire', 'decide')),
  submitted_at timestamptz,
  adversarial_at timestamptz,
  adversarial_submitted_at timestamptz,
  decision text CHECK (decision IN ('conforme', 'non_conforme')),
  decision_reason text CHECK (decision_reason IN ('delai', 'piece_incorrecte', 'piece_manquante', 'autre')),
  decision_comment text NOT NULL DEFAULT '',
  -- Consequences of a non-conforme decision (LE Sanctions): a presentation session on auto-prescription,
  -- the withdrawal of the capacity to self-prescribe for a period, a correction of the aide au poste.
  training_required boolean NOT NULL DEFAULT false,
  suspended_from date,
  suspended_to date,
  aid_correction text NOT NULL DEFAULT '',
  decided_at timestamptz,
  decided_by text,
  PRIMARY KEY (campaign_id, structure_id),
  CHECK ((state = 'decide') = (decision IS NOT NULL)),
  CHECK (decision IS DISTINCT FROM 'non_conforme' OR decision_reason IS NOT NULL),
  CHECK (decision IS DISTINCT FROM 'conforme' OR (NOT training_required AND suspended_from IS NULL AND aid_correction = '')),
  CHECK ((suspended_from IS NULL) = (suspended_to IS NULL) AND (suspended_to IS NULL OR suspended_to >= suspended_from))
);
CREATE INDEX controle_structure_structure_idx ON controle_structure (structure_id);

-- The sampled hirings (initial contracts) of a selected structure.
CREATE TABLE controle_hiring (
  campaign_id bigint NOT NULL,
  structure_id bigint NOT NULL,
  contract_id bigint NOT NULL REFERENCES contract (id) ON DELETE CASCADE,
  PRIMARY KEY (campaign_id, contract_id),
  FOREIGN KEY (campaign_id, structure_id) REFERENCES controle_structure (campaign_id, structure_id) ON DELETE CASCADE
);

-- One eligibility criterion of a sampled hiring's diagnosis, to justify.
-- Review: en_attente, acceptee, refusee (first review), refusee_2 (refused again after the adversarial phase).
-- A certified criterion (checked with the administration's data) is accepted without proof.
CREATE TABLE controle_criterion (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id bigint NOT NULL,
  contract_id bigint NOT NULL,
  criterion_code text NOT NULL REFERENCES ref_eligibility_criterion (code),
  certified boolean NOT NULL DEFAULT false,
  review text NOT NULL DEFAULT 'en_attente' CHECK (review IN ('en_attente', 'acceptee', 'refusee', 'refusee_2')),
  review_comment text NOT NULL DEFAULT '',
  reviewed_at timestamptz,
  reviewed_by text,
  UNIQUE (campaign_id, contract_id, criterion_code),
  FOREIGN KEY (campaign_id, contract_id) REFERENCES controle_hiring (campaign_id, contract_id) ON DELETE CASCADE,
  CHECK (review = 'en_attente' OR reviewed_at IS NOT NULL),
  CHECK (review NOT IN ('refusee', 'refusee_2') OR length(review_comment) > 0)
);

-- Proofs: PDF, PNG or JPEG (checked on the magic bytes), size-limited, stored in the database.
CREATE TABLE controle_proof (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  criterion_id bigint NOT NULL REFERENCES controle_criterion (id) ON DELETE CASCADE,
  phase text NOT NULL CHECK (phase IN ('initiale', 'contradictoire')),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 5242880),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX controle_proof_criterion_idx ON controle_proof (criterion_id);
