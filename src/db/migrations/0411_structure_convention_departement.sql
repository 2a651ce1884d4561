-- Département of a structure's CONVENTION: the ASP attaches a structure's figures to the département of its
-- conventionnement — the département written in its AF numbers (the DDETS that signed), not the one of its address.
-- The Pilotage reads it from the AF number (pilotage-airflow dbt/models/legacy/weekly/fluxIAE_AnnexeFinanciere_v2.sql:
-- "le numéro de l'annexe financière (ex : ACI034150012) contient dans l'ordre : le type de structure, le
-- département, …"; num_dep_af) and reports ETP and exits by nom_departement_af. Indicators and reports scope by
-- coalesce(convention_departement_code, departement_code) (src/indicators/scope.ts); the address stays in
-- departement_code and the structure page shows both when they differ.
-- Choice [M]: one département per structure, that of its latest AF (validated versions first, then the latest
-- start, renewal, modification); the Pilotage attributes each AF separately, which differs only for a structure
-- whose AFs were signed by two DDETS.
-- The ASP's 3-character code → INSEE code: ref_departement_asp_code (one mapping, '062' → '62', '59V' → '59').

ALTER TABLE structure ADD COLUMN convention_departement_code text REFERENCES ref_departement (code);
CREATE INDEX structure_scope_departement_idx ON structure ((coalesce(convention_departement_code, departement_code)));

-- The département of an AF number prefix (letters of the kind, then the ASP's 3-character département), or null.
CREATE FUNCTION af_number_departement(p_prefix text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT m.departement_code FROM ref_departement_asp_code m
  WHERE m.asp_code = substr(p_prefix, length(substring(p_prefix FROM '^[A-Z]+')) + 1, 3)
$$;

CREATE FUNCTION structure_convention_departement_refresh(p_structures bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  UPDATE structure s SET convention_departement_code = x.dep
  FROM (
    SELECT u.id, (
      SELECT af_number_departement(a.number_prefix) FROM financial_annex a
      WHERE a.structure_id = u.id AND af_number_departement(a.number_prefix) IS NOT NULL
      ORDER BY (a.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE')) DESC, a.starts_on DESC, a.renewal DESC, a.modification DESC
      LIMIT 1) AS dep
    FROM (SELECT DISTINCT unnest(p_structures) AS id) u) x
  WHERE s.id = x.id AND s.convention_departement_code IS DISTINCT FROM x.dep;
END $$;

CREATE FUNCTION structure_convention_departement_financial_annex() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT structure_id) INTO s FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT structure_id) INTO s FROM old_rows;
  ELSE
    WITH changed AS (
      SELECT o.structure_id AS os, n.structure_id AS ns FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.structure_id, o.number_prefix, o.state, o.starts_on, o.renewal, o.modification)
        IS DISTINCT FROM (n.structure_id, n.number_prefix, n.state, n.starts_on, n.renewal, n.modification))
    SELECT array_agg(DISTINCT x) INTO s FROM (SELECT os AS x FROM changed UNION SELECT ns FROM changed) y;
  END IF;
  PERFORM structure_convention_departement_refresh(s);
  RETURN NULL;
END $$;

CREATE TRIGGER financial_annex_convention_departement_insert AFTER INSERT ON financial_annex
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_convention_departement_financial_annex();
CREATE TRIGGER financial_annex_convention_departement_update AFTER UPDATE ON financial_annex
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_convention_departement_financial_annex();
CREATE TRIGGER financial_annex_convention_departement_delete AFTER DELETE ON financial_annex
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_convention_departement_financial_annex();

-- Existing data.
SELECT structure_convention_departement_refresh(array_agg(id)) FROM structure;
