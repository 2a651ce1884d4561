-- Indexes on the referencing side of foreign keys that a delete cascades through. PostgreSQL checks (or
-- cascades) each deleted parent row with a query on the child's column; without an index that query scans the
-- child table once per parent row. Measured with EXPLAIN ANALYZE of the demo reset on PostgreSQL (28,486
-- synthetic people deleted): rollup_person_year.person_id 107 s, approval.diagnosis_id 81 s,
-- contract.approval_id 78 s, support_action.contract_id 24 s, training.contract_id 7 s — 5 min of the reset.
-- The others below are the remaining referencing columns of tables that grow with the data (people, contracts,
-- annexes); reference tables (codes) are never deleted from and keep no such index.
CREATE INDEX rollup_person_year_person_id_idx ON rollup_person_year (person_id);
CREATE INDEX approval_diagnosis_idx ON approval (diagnosis_id);
CREATE INDEX contract_approval_idx ON contract (approval_id);
CREATE INDEX support_action_contract_idx ON support_action (contract_id);
CREATE INDEX training_contract_idx ON training (contract_id);
CREATE INDEX training_structure_idx ON training (structure_id);
CREATE INDEX fiche_salarie_contract_idx ON fiche_salarie (contract_id);
CREATE INDEX fiche_salarie_approval_idx ON fiche_salarie (approval_id);
CREATE INDEX eligibility_diagnosis_author_structure_idx ON eligibility_diagnosis (author_structure_id);
CREATE INDEX approval_prolongation_structure_idx ON approval_prolongation (declared_by_structure_id);
CREATE INDEX approval_suspension_structure_idx ON approval_suspension (declared_by_structure_id);
CREATE INDEX financial_annex_convention_idx ON financial_annex (convention_id);
CREATE INDEX rollup_recruitment_annex_annex_idx ON rollup_recruitment_annex (annex_id);
CREATE INDEX asp_support_summary_annex_idx ON asp_support_summary (annex_id);
CREATE INDEX financing_request_annex_idx ON financing_request (annex_id);
CREATE INDEX invitation_structure_idx ON invitation (structure_id);
CREATE INDEX controle_hiring_structure_idx ON controle_hiring (campaign_id, structure_id);
