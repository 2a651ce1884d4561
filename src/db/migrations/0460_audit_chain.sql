-- The audit trail made tamper-evident and kept on (docs/SECURITY.md §3):
--  * hash chain: every audit_event row gets one audit_chain row (seq, previous hash, hash of the row's
--    content + previous hash), so that an edited, deleted or truncated row is detected by
--    `passerelle audit verify`, which recomputes every hash outside the database (src/db/auditChain.ts);
--  * the chain head (audit_chain_head, one row) serialises writers: the chaining trigger is DEFERRED to
--    the commit of the writing transaction, where it locks the head, so a long import holds the head
--    only while it commits, and concurrent writers are chained in commit order;
--  * the triggers of the trail are ENABLE ALWAYS: `session_replication_role = replica` (the demo's bulk
--    load) does not switch them off, and disabling them needs the table owner, which the app role is not
--    (`passerelle db roles`);
--  * the trail has its own retention: audit_prune(keep_days) deletes the oldest rows of the chain (never
--    fewer than 180 days kept), records the new start of the chain in the head and an `audit.prune` row.

-- Canonical text of a row's content (the chain hashes it). src/db/auditChain.ts writes the same text from
-- the row's columns to verify independently of this function.
CREATE FUNCTION audit_event_canonical(e audit_event) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT string_agg(CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END, '|' ORDER BY i)
  FROM unnest(ARRAY[
    e.id::text,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id::text,
    e.actor_label,
    e.action,
    e.entity,
    e.entity_id,
    e.person_id::text,
    e.structure_id::text,
    e.before::text,
    e.after::text,
    e.ip
  ]) WITH ORDINALITY AS f(v, i)
$$;

CREATE TABLE audit_chain (
  event_id bigint PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  prev_hash text NOT NULL,
  row_hash text NOT NULL
);

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq bigint NOT NULL,
  last_hash text NOT NULL,
  -- Rows up to this seq were pruned by retention; the chain now starts from pruned_last_hash.
  pruned_through_seq bigint NOT NULL DEFAULT 0,
  pruned_last_hash text NOT NULL
);

-- Rows written before this migration could hold a person's identity (person.create kept the names,
-- birth date, address, e-mail and phone; person.import the ASP person id): masked once, as the audit writer
-- now does (src/db/audit.ts), before the chain starts.
ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
CREATE FUNCTION pg_temp.audit_mask(doc jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(doc) = 'object' THEN coalesce((
    SELECT jsonb_object_agg(k, CASE WHEN v = 'null'::jsonb OR NOT (lower(replace(replace(k, '_', ''), '-', '')) = ANY (ARRAY[
      'nir', 'nirencrypted', 'nirhash', 'ntt', 'passnumber', 'numberencrypted', 'numberhash', 'numberlast4', 'password', 'passwordhash',
      'token', 'email', 'phone', 'lastname', 'firstname', 'birthname', 'birthdate', 'birthcountrycode', 'birthcommunecode', 'address',
      'addressline', 'postalcode', 'communecode', 'notes', 'asppphid', 'pph', 'numeroide', 'adrnumerovoie', 'adrlibellevoie',
      'adrcpltdistribution', 'codeextensionvoie', 'codetypevoie', 'nomacteurcreationentr'])) THEN v ELSE '"[masqué]"'::jsonb END)
    FROM jsonb_each(doc) AS x(k, v)), '{}'::jsonb) ELSE doc END
$$;
UPDATE audit_event SET before = pg_temp.audit_mask(before), after = pg_temp.audit_mask(after)
WHERE (person_id IS NOT NULL OR entity = 'person') AND (jsonb_typeof(before) = 'object' OR jsonb_typeof(after) = 'object');
ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update;

-- The existing rows, chained in id order.
DO $$
DECLARE
  r audit_event;
  n bigint := 0;
  h text := repeat('0', 64);
  next_hash text;
BEGIN
  FOR r IN SELECT * FROM audit_event ORDER BY id LOOP
    n := n + 1;
    next_hash := encode(sha256(convert_to(n::text || '|' || h || '|' || audit_event_canonical(r), 'UTF8')), 'hex');
    INSERT INTO audit_chain (event_id, seq, prev_hash, row_hash) VALUES (r.id, n, h, next_hash);
    h := next_hash;
  END LOOP;
  INSERT INTO audit_chain_head (last_seq, last_hash, pruned_through_seq, pruned_last_hash) VALUES (n, h, 0, repeat('0', 64));
END
$$;

-- SECURITY DEFINER: the app role inserts audit rows but has no right on the chain or its head.
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
  next_hash text;
BEGIN
  SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  next_hash := encode(sha256(convert_to((head.last_seq + 1)::text || '|' || head.last_hash || '|' || audit_event_canonical(NEW), 'UTF8')), 'hex');
  INSERT INTO audit_chain (event_id, seq, prev_hash, row_hash) VALUES (NEW.id, head.last_seq + 1, head.last_hash, next_hash);
  UPDATE audit_chain_head SET last_seq = head.last_seq + 1, last_hash = next_hash;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER audit_event_chain AFTER INSERT ON audit_event
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Append-only, except the deletions audit_prune makes (the flag is local to its transaction).
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('passerelle.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_update;
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_truncate;
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_chain;
ALTER TABLE audit_chain ENABLE ALWAYS TRIGGER audit_chain_no_update;
ALTER TABLE audit_chain ENABLE ALWAYS TRIGGER audit_chain_no_truncate;

CREATE FUNCTION audit_prune(keep_days integer) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
  through bigint;
  through_hash text;
  n bigint;
BEGIN
  IF keep_days IS NULL OR keep_days < 180 THEN
    RAISE EXCEPTION 'audit_prune: keep at least 180 days of audit trail (asked: %)', keep_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  -- The longest prefix of the chain whose rows are all older than the cutoff (a chain row whose event is
  -- missing stops it: that is evidence for `audit verify`, not something to prune).
  SELECT coalesce(min(c.seq) - 1, head.last_seq) INTO through
  FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
  WHERE c.seq > head.pruned_through_seq AND (e.id IS NULL OR e.at >= now() - make_interval(days => keep_days));
  IF through <= head.pruned_through_seq THEN
    RETURN 0;
  END IF;
  SELECT row_hash INTO through_hash FROM audit_chain WHERE seq = through;
  PERFORM set_config('passerelle.audit_prune', 'on', true);
  DELETE FROM audit_event e USING audit_chain c WHERE c.event_id = e.id AND c.seq > head.pruned_through_seq AND c.seq <= through;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM audit_chain WHERE seq > head.pruned_through_seq AND seq <= through;
  PERFORM set_config('passerelle.audit_prune', 'off', true);
  UPDATE audit_chain_head SET pruned_through_seq = through, pruned_last_hash = through_hash;
  INSERT INTO audit_event (actor_label, action, entity, after)
    VALUES ('retention', 'audit.prune', 'audit_event', jsonb_build_object('rows', n, 'throughSeq', through, 'keepDays', keep_days));
  RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION audit_prune(integer) FROM PUBLIC;
