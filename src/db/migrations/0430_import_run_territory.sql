-- The territory an import was run for (docs/imports.md): NULL for a national import (DGEFP, admin,
-- command line), else the DDETS département whose rows alone it could write. Who may read the run,
-- its rejections and its job follows from it.
ALTER TABLE import_run ADD COLUMN departement_code text REFERENCES ref_departement (code);
CREATE INDEX import_run_departement_idx ON import_run (departement_code, started_at DESC);
