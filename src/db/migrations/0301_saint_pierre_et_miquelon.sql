-- Saint-Pierre-et-Miquelon (975): a collectivité d'outre-mer with conventioned SIAE (3 rows in the
-- ASP list of July 2019, code département ASP '975') but absent from the INSEE département/région
-- seed files. It belongs to no région: it is attached to a pseudo-région '00' so that structures
-- there can be stored (structure.departement_code is NOT NULL and references ref_departement).
-- The reference loader only upserts, so these rows stay after later reference loads.
INSERT INTO ref_region (code, name)
VALUES ('00', 'Collectivités d''outre-mer (hors région)')
ON CONFLICT (code) DO NOTHING;

INSERT INTO ref_departement (code, name, region_code)
VALUES ('975', 'Saint-Pierre-et-Miquelon', '00')
ON CONFLICT (code) DO NOTHING;

INSERT INTO ref_departement_asp_code (asp_code, departement_code)
VALUES ('975', '975')
ON CONFLICT (asp_code) DO NOTHING;
