-- monthly_declaration.person_id / structure_id are denormalised copies of its contract's: ONE composite
-- foreign key (contract_id, person_id, structure_id) → contract (id, person_id, structure_id) replaces the
-- three single-column keys. Stronger (a row whose person or structure differs from its contract's is
-- refused) and cheaper: one RI check per inserted row instead of three (the FluxIAE EtatMensuelIndiv
-- merge spent 45 % of its time in the five keys of this table).
--  - ON DELETE CASCADE: deleting a person or a structure still removes its declarations, through contract
--    (contract.person_id / structure_id cascade);
--  - ON UPDATE CASCADE: a contract moved to another person/structure (FluxIAE ContratMission re-import)
--    carries its declarations' copies along, so they can never drift.
ALTER TABLE contract ADD CONSTRAINT contract_id_person_id_structure_id_key UNIQUE (id, person_id, structure_id);

-- Copies that drifted before this migration (a contract re-attached before its EMIs were re-imported).
UPDATE monthly_declaration d SET person_id = c.person_id, structure_id = c.structure_id, updated_at = now()
FROM contract c
WHERE c.id = d.contract_id AND (d.person_id, d.structure_id) IS DISTINCT FROM (c.person_id, c.structure_id);

ALTER TABLE monthly_declaration
  DROP CONSTRAINT monthly_declaration_contract_id_fkey,
  DROP CONSTRAINT monthly_declaration_person_id_fkey,
  DROP CONSTRAINT monthly_declaration_structure_id_fkey,
  ADD CONSTRAINT monthly_declaration_contract_fkey FOREIGN KEY (contract_id, person_id, structure_id)
    REFERENCES contract (id, person_id, structure_id) ON UPDATE CASCADE ON DELETE CASCADE;
