-- Login throttling per (account, client network) with a global backstop per account
-- (src/server/auth/loginThrottle.ts). `ip` holds the client's network (its address, the /64 of an IPv6
-- one); an attempt refused by a throttle, its password never checked, is `refused`: it counts against the
-- address, never towards an account's lock (so that waiting out a lock is enough).
ALTER TABLE login_attempt ADD COLUMN refused boolean NOT NULL DEFAULT false;
CREATE INDEX login_attempt_email_idx ON login_attempt (email, at);

-- Request rate limits shared by every app instance (src/server/rateLimit.ts): one counter per key
-- (class of route + client network or account) and window.
CREATE TABLE rate_limit_counter (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  window_ends_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_counter_ends_idx ON rate_limit_counter (window_ends_at);

-- Single sign-on links an identity-provider subject to an account by e-mail only when the account
-- expects it: created for SSO by an administrator (no password), or explicitly allowed by one. An
-- invitation pending for the address also allows it (src/server/auth/oidcLink.ts).
ALTER TABLE app_user ADD COLUMN oidc_link_allowed boolean NOT NULL DEFAULT false;
UPDATE app_user SET oidc_link_allowed = true WHERE password_hash IS NULL AND oidc_subject IS NULL;

-- Second factor (TOTP, RFC 6238): the secret encrypted with the personal-data cipher; enabled once a
-- first code was verified; last_step refuses a code replayed within its window.
CREATE TABLE user_totp (
  user_id bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  secret_encrypted text NOT NULL,
  enabled_at timestamptz,
  last_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Recovery codes: only their SHA-256 (random 80-bit codes: a fast hash is enough), each usable once.
CREATE TABLE user_recovery_code (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz
);
CREATE INDEX user_recovery_code_user_idx ON user_recovery_code (user_id);
