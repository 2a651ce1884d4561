-- The audit chain written once per committing transaction instead of once per row (same chain, same hashes).
--
-- The row-level deferred trigger of migration 0460 updated the one-row audit_chain_head for every audit row:
-- within one transaction each update leaves a version of that row that no one can prune before the commit,
-- and each next update scans them all — quadratic. Measured on PostgreSQL 15: 5,000 audit rows in one
-- transaction committed in 2.2 s, 10,000 in 13 s, 20,000 in 77 s; an import writes one `person.import` row
-- per salarié (559,074 in the national delivery), so a national import could no longer commit.
--
-- Now the first deferred trigger of a transaction to fire (its lowest pending audit row) locks the head
-- (FOR UPDATE: still the commit-time serialisation of writers, in commit order), chains every audit row of
-- the transaction not chained yet — those visible with an id at or above its own and no chain row: its own
-- rows, since another writer's rows are chained before that writer commits — in id order (= insertion
-- order, the order the per-row triggers fired in), and updates the head once. The other triggers of the
-- transaction find their row chained (one index probe) and return. seq, prev_hash and row_hash are computed
-- exactly as before: `passerelle audit verify` (src/db/auditChain.ts) checks old and new rows alike.
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
  r audit_event;
  seq bigint;
  h text;
  next_hash text;
BEGIN
  IF EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  seq := head.last_seq;
  h := head.last_hash;
  FOR r IN
    SELECT e.* FROM audit_event e
    WHERE e.id >= NEW.id AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
    ORDER BY e.id
  LOOP
    seq := seq + 1;
    next_hash := encode(sha256(convert_to(seq::text || '|' || h || '|' || audit_event_canonical(r), 'UTF8')), 'hex');
    INSERT INTO audit_chain (event_id, seq, prev_hash, row_hash) VALUES (r.id, seq, h, next_hash);
    h := next_hash;
  END LOOP;
  UPDATE audit_chain_head SET last_seq = seq, last_hash = h;
  RETURN NULL;
END
$$;
