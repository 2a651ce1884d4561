-- The demo load's own state: written as 'loading' in its own commit before the first write, set to
-- 'complete' in the transaction that writes the last demo rows. A start that finds 'loading' knows a
-- previous load was interrupted (SIGKILL, power cut) and removes the partial demo before loading it again.
-- as_of is the date the demo's data stand at (its "today").
CREATE TABLE demo_state (
  departement_code text PRIMARY KEY REFERENCES ref_departement (code),
  state text NOT NULL CHECK (state IN ('loading', 'complete')),
  as_of date NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
