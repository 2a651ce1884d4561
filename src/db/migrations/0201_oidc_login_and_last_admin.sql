-- Issue 8 (security): pending OpenID Connect logins and the "a structure never loses its last admin" rule.

-- One row per authorization request sent to the provider (ProConnect): state (hashed), nonce and PKCE
-- code_verifier, consumed once by the callback. Stored in the database so that any app instance can
-- serve the callback.
CREATE TABLE oidc_login (
  state_hash text PRIMARY KEY CHECK (state_hash ~ '^[0-9a-f]{64}$'),
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_login_expires_idx ON oidc_login (expires_at);

-- Login throttling per client address (accounts are locked through app_user.locked_until).
CREATE TABLE login_attempt (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip text NOT NULL,
  -- SHA-256 of the e-mail typed (never the clear value: users mistype secrets in this field).
  email text NOT NULL,
  succeeded boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempt_ip_idx ON login_attempt (ip, at);

-- A structure that has an admin member never loses its last one: removing or demoting the last admin
-- is refused (the structure itself may still be deleted, its memberships go with it).
CREATE FUNCTION membership_keep_last_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.is_admin AND (TG_OP = 'DELETE' OR NOT NEW.is_admin OR NEW.structure_id <> OLD.structure_id)
     AND EXISTS (SELECT 1 FROM structure s WHERE s.id = OLD.structure_id)
     AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.structure_id = OLD.structure_id AND m.is_admin) THEN
    RAISE EXCEPTION 'structure % would lose its last admin', OLD.structure_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER membership_last_admin AFTER UPDATE OR DELETE ON membership
  FOR EACH ROW EXECUTE FUNCTION membership_keep_last_admin();
