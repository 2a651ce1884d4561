-- The one definition of "which AF versions count" for every indicator, report, page and rollup.
--
-- An AF is (number prefix, renewal A); its versions are the modifications M. The version in force is the
-- highest VALIDATED one — state VALIDE, PROVISOIRE or CLOTURE (iae-reference §2.1/§3.2; the Pilotage keeps
-- `af_etat_annexe_financiere_code in ('VALIDE', 'PROVISOIRE', 'CLOTURE')`, pilotage-airflow
-- dbt/models/staging/stg_etp_conventionnes.sql, indexed/etat_mensuel_heures_travaillees_sorties.sql). A draft
-- amendment (BROUILLON/SAISI), a refused or cancelled one above it changes no indicator: until the DDETS
-- validates it, the validated version stays in force. The mesure must count for posts (no FDI, ACIPA/EIPA).
--
-- A view, not a copy per query: PostgreSQL inlines it, so a caller's conditions (structure, dates) still drive
-- the index scans; `b` is read through the index on (number_prefix, renewal, modification).
-- Pure twin: countingAfs() in src/domain/indicators/formulas.ts.
CREATE VIEW counting_annex AS
  SELECT a.*
  FROM financial_annex a
  WHERE a.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE')
    AND EXISTS (SELECT 1 FROM ref_mesure m WHERE m.code = a.mesure_code AND m.counts_for_posts)
    AND NOT EXISTS (
      SELECT 1 FROM financial_annex b
      WHERE b.number_prefix = a.number_prefix AND b.renewal = a.renewal AND b.modification > a.modification
        AND b.state IN ('VALIDE', 'PROVISOIRE', 'CLOTURE'));

-- Examined exits, redefined on counting_annex and with the hour condition of ACI/EI/EITI read in the YEAR OF
-- THE EXIT: the Pilotage sums the hours per (salarié, AF, contract, year of declaration) and keeps an exit when
-- that sum reaches 1 h in the exit year ("la personne a travaillé au moins une heure dans l'année de sortie de la
-- SIAE", pilotage-airflow dbt/models/staging/properties.yml `stg_sorties_aci_ei`; stg_sorties_eiti.sql reads the
-- same yearly sums). An AF covers one calendar year (src/domain/conventions/annexPeriod.ts), so the hours of the
-- exit year are those declared on the counting AFs whose period meets that year. AI/ETTI unchanged: ≥ 150 h on
-- the last counting AF of the recruitment. Pure twin: exitRecordsFor() in src/domain/indicators/exitHours.ts.
CREATE OR REPLACE FUNCTION rollup_exit_refresh(p_structures bigint[], p_months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_structures IS NULL OR cardinality(p_structures) = 0 THEN RETURN; END IF;
  DELETE FROM rollup_exit_month r USING (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k WHERE r.structure_id = k.structure_id AND r.month = k.month;
  INSERT INTO rollup_exit_month (structure_id, month, motif_code, mesure_code, examined)
    WITH ex AS (
      SELECT e.id, e.structure_id, k.month, e.motif_code, r0.mesure_code, s.kind, e.exit_on, r0.starts_on AS start_on, e.recruitment_id
      FROM (SELECT DISTINCT s AS structure_id, date_trunc('month', m)::date AS month FROM unnest(p_structures, p_months) AS u(s, m)) k
      JOIN exit e ON e.structure_id = k.structure_id AND e.exit_on >= k.month AND e.exit_on < (k.month + interval '1 month')::date
      JOIN structure s ON s.id = e.structure_id
      JOIN contract r0 ON r0.id = e.recruitment_id),
    per_af AS (
      SELECT ex.id, ra.hours, a.starts_on AS af_start, max(a.starts_on) OVER (PARTITION BY ex.id) AS last_start,
        (a.starts_on < make_date(extract(year FROM ex.exit_on)::int + 1, 1, 1) AND a.ends_on >= make_date(extract(year FROM ex.exit_on)::int, 1, 1)) AS in_exit_year
      FROM ex LEFT JOIN rollup_recruitment_annex ra ON ra.recruitment_id = ex.recruitment_id
      LEFT JOIN counting_annex a ON a.id = ra.annex_id),
    h AS (
      SELECT id, coalesce(sum(hours) FILTER (WHERE in_exit_year), 0) AS year_hours,
        coalesce(sum(hours) FILTER (WHERE af_start = last_start), 0) AS last_hours
      FROM per_af GROUP BY id)
    SELECT ex.structure_id, ex.month, ex.motif_code, ex.mesure_code, count(*)::int
    FROM ex JOIN h ON h.id = ex.id
    WHERE CASE
      WHEN ex.kind IN ('ACI', 'EI') THEN h.year_hours >= 1 AND (ex.exit_on - ex.start_on) * 0.0328767 > 2.65
      WHEN ex.kind IN ('AI', 'ETTI') THEN h.last_hours >= 150
      ELSE h.year_hours >= 1 END
    GROUP BY 1, 2, 3, 4;
END $$;

-- financial_annex: its end date now decides the exit year its hours count in (ends_on added to the columns watched).
CREATE OR REPLACE FUNCTION rollup_cells_financial_annex() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT b.structure_id) INTO s FROM financial_annex b
      WHERE (b.number_prefix, b.renewal) IN (SELECT number_prefix, renewal FROM new_rows);
    SELECT array_agg(DISTINCT x) INTO s FROM (SELECT unnest(s) AS x UNION SELECT structure_id FROM new_rows) y;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT b.structure_id) INTO s FROM financial_annex b
      WHERE (b.number_prefix, b.renewal) IN (SELECT number_prefix, renewal FROM old_rows);
    SELECT array_agg(DISTINCT x) INTO s FROM (SELECT unnest(s) AS x UNION SELECT structure_id FROM old_rows) y;
  ELSE
    WITH changed AS (
      SELECT o.structure_id AS os, n.structure_id AS ns, o.number_prefix AS op, o.renewal AS orn, n.number_prefix AS np, n.renewal AS nrn
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.structure_id, o.state, o.mesure_code, o.starts_on, o.ends_on, o.number_prefix, o.renewal, o.modification)
        IS DISTINCT FROM (n.structure_id, n.state, n.mesure_code, n.starts_on, n.ends_on, n.number_prefix, n.renewal, n.modification))
    SELECT array_agg(DISTINCT x) INTO s FROM (
      SELECT os AS x FROM changed UNION SELECT ns FROM changed
      UNION SELECT b.structure_id FROM financial_annex b
        WHERE (b.number_prefix, b.renewal) IN (SELECT op, orn FROM changed UNION SELECT np, nrn FROM changed)) y;
  END IF;
  PERFORM rollup_exit_refresh_structures(s);
  RETURN NULL;
END $$;

-- Existing data: the exit cells under the new definitions.
DELETE FROM rollup_exit_month;
SELECT rollup_exit_refresh(array_agg(structure_id), array_agg(exit_on)) FROM exit;
