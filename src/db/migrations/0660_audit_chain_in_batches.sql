-- The audit chain written in batches after the commit, instead of inside each writing transaction.
--
-- Until now every transaction that wrote an audit row locked the one-row chain head from its deferred
-- trigger to its commit: every read of a salarié's page writes a read-audit row, so under 50 concurrent
-- readers their commits ran one at a time (national benchmark: salarié page p50 3.2 s, p99 4.9 s, against
-- 389 ms before the chain existed).
--
-- Now an audit row is recorded as pending by a statement-level trigger (no lock: concurrent writers
-- commit in parallel, and a bulk insert writes its pending ids in one statement), and audit_chain_pending()
-- chains the committed pending rows, in id order within each batch, under the head's lock: the app servers
-- call it every second (src/db/auditChainer.ts; SKIP LOCKED, so several instances never wait on each
-- other), `passerelle audit verify` and the retention call it first. The audit row itself is still written
-- in the same transaction as what it describes and durable before the answer; only its link in the chain
-- comes a moment later. seq, prev_hash and row_hash are computed as before; seq is the order rows were
-- chained, which is the order they committed up to one batch.
--
-- What verification still detects: a row inserted with the triggers off (neither chained nor pending),
-- and, once chained, any edit or deletion. A pending row can be edited only by someone who can already
-- disable the append-only trigger (the table owner), as before.
DROP TRIGGER audit_event_chain ON audit_event;
DROP FUNCTION audit_event_chain();

CREATE TABLE audit_chain_pending (event_id bigint PRIMARY KEY);

CREATE FUNCTION audit_event_mark_pending() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO audit_chain_pending (event_id) SELECT id FROM new_rows;
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_event_mark_pending AFTER INSERT ON audit_event
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_event_mark_pending();
-- Like the trail's other triggers: session_replication_role = replica (bulk loads) does not switch it off.
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_mark_pending;

-- Rows of transactions in flight when this migration runs are chained by the first batch.
INSERT INTO audit_chain_pending (event_id)
SELECT e.id FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id);

-- Chains up to max_rows committed pending rows; returns how many, or -1 when another session holds the head
-- and wait_for_head is false. Rows of transactions still in flight are not visible and wait for the next batch.
CREATE FUNCTION audit_chain_pending(max_rows integer DEFAULT 100000, wait_for_head boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
  r audit_event;
  seq bigint;
  h text;
  next_hash text;
  n integer := 0;
BEGIN
  IF wait_for_head THEN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  ELSE
    SELECT * INTO head FROM audit_chain_head FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      RETURN -1;
    END IF;
  END IF;
  seq := head.last_seq;
  h := head.last_hash;
  FOR r IN
    SELECT e.* FROM audit_chain_pending p JOIN audit_event e ON e.id = p.event_id
    ORDER BY p.event_id LIMIT max_rows
  LOOP
    seq := seq + 1;
    next_hash := encode(sha256(convert_to(seq::text || '|' || h || '|' || audit_event_canonical(r), 'UTF8')), 'hex');
    INSERT INTO audit_chain (event_id, seq, prev_hash, row_hash) VALUES (r.id, seq, h, next_hash);
    h := next_hash;
    n := n + 1;
  END LOOP;
  IF n > 0 THEN
    DELETE FROM audit_chain_pending p USING audit_chain c WHERE c.event_id = p.event_id;
    UPDATE audit_chain_head SET last_seq = seq, last_hash = h;
  END IF;
  RETURN n;
END
$$;
