-- EtatMensuelIndiv.emi_afi_id points to af_id_annexe_financiere, the ASP id shared by the versions of an
-- AF (kept in financial_annex.extra by the FluxIAE import): index it for the monthly-state import.
CREATE INDEX IF NOT EXISTS financial_annex_asp_annex_idx ON financial_annex ((extra->>'af_id_annexe_financiere'));
