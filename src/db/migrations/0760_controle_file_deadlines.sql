-- A contrôle file's own deadlines when the DDETS extended them (docs/steering.md): null = the campaign's.
-- Set together (an extension shifts the current phase's deadline and the later ones by the same number of days,
-- so their order is kept); every extension is audited (controle.deadline.extend).
ALTER TABLE controle_structure
  ADD COLUMN proofs_due_on date,
  ADD COLUMN review_due_on date,
  ADD COLUMN adversarial_due_on date,
  ADD CONSTRAINT controle_structure_deadlines_check CHECK (
    (proofs_due_on IS NULL) = (review_due_on IS NULL) AND (review_due_on IS NULL) = (adversarial_due_on IS NULL)
    AND (proofs_due_on IS NULL OR (review_due_on > proofs_due_on AND adversarial_due_on > review_due_on))
  );
