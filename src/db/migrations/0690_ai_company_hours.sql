-- Mises à disposition of an AI's salariés in companies: capped at 480 h over 24 months from the first one
-- (code du travail L.5132-9 2°, R.5132-18 2°), the cap not applying to private persons, associations and
-- collectivités. The monthly declaration records, for an AI, how many of the month's hours were placed with
-- companies (company_hours, part of hours). NULL = not stated: every row before this migration, every row of
-- another kind of structure, and every row imported from FluxIAE (the ASP's EtatMensuelIndiv has no such
-- column, so the import and export are unchanged). The "AI only" rule is the declaration's (it knows the
-- structure's kind); the table keeps the arithmetic.
ALTER TABLE monthly_declaration
  ADD COLUMN company_hours numeric(7, 2) CHECK (company_hours >= 0 AND company_hours <= hours);
-- The declaration sums one salarié's company hours of the AI over the period.
CREATE INDEX monthly_declaration_company_hours_idx ON monthly_declaration (structure_id, person_id, month)
  WHERE company_hours > 0;

-- The préfet (DDETS) may authorise an AI to derogate from the cap for at most 3 years, renewable
-- (L.5132-9 2°, D.5132-18-1): one row per authorisation, the cap is lifted for the months it covers.
CREATE TABLE ai_placement_derogation (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  structure_id bigint NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  decision_reference text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_on >= starts_on AND ends_on < starts_on + interval '3 years')
);
CREATE INDEX ai_placement_derogation_structure_idx ON ai_placement_derogation (structure_id, starts_on);
