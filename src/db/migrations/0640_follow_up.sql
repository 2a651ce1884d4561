-- Follow-up after exit: the situation of the person 6 and 12 months after the exit (one row per exit and
-- horizon), entered by the SIAE (form or CSV import) or loaded with the demo. The situation codes are those
-- of src/domain/followUp/followUp.ts (FOLLOW_UP_SITUATIONS); INCONNU = asked but not known. An exit without
-- a row at a horizon is "not entered" (counted unknown by the indicators). observed_on is the day the
-- situation was observed; entered_by the account that entered it (null for an import by the CLI or the demo,
-- then `source` says which). Rows go with their exit (ON DELETE CASCADE), like the exit goes with the person.
CREATE TABLE follow_up (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  exit_id bigint NOT NULL REFERENCES exit (id) ON DELETE CASCADE,
  horizon smallint NOT NULL CHECK (horizon IN (6, 12)),
  situation text NOT NULL CHECK (situation IN ('CDI', 'CDD_6M', 'CDD_COURT', 'INTERIM', 'FORMATION', 'DEMANDEUR_EMPLOI', 'INACTIF', 'INCONNU')),
  observed_on date NOT NULL,
  entered_by bigint REFERENCES app_user (id) ON DELETE SET NULL,
  source text NOT NULL CHECK (source IN ('saisie', 'import', 'demo')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (exit_id, horizon)
);
-- The indicators read follow_up: the response cache must see its changes.
SELECT watch_data_generation('follow_up');
