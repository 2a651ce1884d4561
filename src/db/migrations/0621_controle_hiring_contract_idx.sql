-- Deleting a contract (a person's removal, retention) looks up its contrôle a posteriori rows by contract.
CREATE INDEX controle_hiring_contract_idx ON controle_hiring (contract_id);
