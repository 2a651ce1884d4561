-- FluxIAE import (issue 4, import side).
--
-- 1. The ASP reuses an AF number for a different AF: in the AnnexeFinanciere export of February 2022
--    (test/fixtures/external/fluxiae/), ACI972190115A2M0 is both the AF 2021 (af_id 29664) and the AF
--    2022 (af_id 41304), with distinct af_id_avenant_modification. The natural key of an AF version is
--    the ASP id (asp_af_id, already UNIQUE); the number is unique only together with the start date.
ALTER TABLE financial_annex DROP CONSTRAINT IF EXISTS financial_annex_number_prefix_renewal_modification_key;
CREATE UNIQUE INDEX IF NOT EXISTS financial_annex_number_start_key
  ON financial_annex (number_prefix, renewal, modification, starts_on);

-- 2. fluxIAE_Structure rows, by ASP structure id. The view carries no kind (the kind comes from the
--    mesure of the AF), so a Structure row alone creates no `structure`: it is kept here and used when
--    an AF of that ASP id arrives (same delivery or later), and it refreshes the structures that exist.
CREATE TABLE asp_structure (
  asp_id bigint PRIMARY KEY CHECK (asp_id > 0),
  siret text CHECK (siret ~ '^[0-9]{14}$'),
  name text,
  -- Every column of the view as delivered (export gives them back).
  raw jsonb NOT NULL,
  import_run_id bigint REFERENCES import_run (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- 3. fluxIAE_Salarie.salarie_id (= contrat_id_pph = emi_pph_id) → person. The view has no structure
--    id; person_asp_id (structure, pph) is filled when a contract gives the structure.
CREATE TABLE asp_person (
  asp_pph_id bigint PRIMARY KEY CHECK (asp_pph_id > 0),
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asp_person_person_idx ON asp_person (person_id);

-- 4. ASP referential RefMontantIae (amounts and durations per mesure), kept as delivered.
CREATE TABLE ref_asp_amount (
  rmi_id bigint PRIMARY KEY,
  code text NOT NULL,
  label text,
  value numeric(14, 2),
  starts_on date,
  ends_on date,
  mesure_asp_id integer,
  departement_code text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- 5. fluxIAE_Accompagnement: columns only partly known (iae-reference §7.1 "Other views"): kept per AF
--    as delivered, with the AF resolved when it is known.
CREATE TABLE asp_support_summary (
  asp_af_id bigint NOT NULL,
  row_key text NOT NULL,
  annex_id bigint REFERENCES financial_annex (id) ON DELETE CASCADE,
  raw jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asp_af_id, row_key)
);
