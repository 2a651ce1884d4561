// The personal-data cipher: AES-256-GCM round trip bound to its cell, tamper detection, keyed hash, key file 0600.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createCipheriv, hkdfSync } from "node:crypto";
import {
  cipherCells,
  createPersonalDataCipher,
  loadSecret,
  normalizeIdentifier,
  SecretKeyError,
  testCipher,
} from "../../src/security/personalData.js";
import { maskNir } from "../../src/queries/personExport.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "passerelle-key-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("AES-256-GCM", () => {
  const cipher = testCipher();
  const nirOf = cipherCells.personNir;
  test("round trip; two encryptions of the same value differ (random IV); no clear text inside", () => {
    const a = cipher.encrypt("169056212345644", nirOf(12));
    const b = cipher.encrypt("169056212345644", nirOf(12));
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v2:/);
    expect(a).not.toContain("169056212345644");
    expect(Buffer.from(a.split(":")[3] ?? "", "base64").toString("utf8")).not.toContain("1690562");
    expect(cipher.decrypt(a, nirOf(12))).toBe("169056212345644");
  });

  test("tampering with the ciphertext, the tag or the IV is detected", () => {
    const token = cipher.encrypt("284021301234595", nirOf(3));
    const [v, iv, tag, data] = token.split(":") as [string, string, string, string];
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, "base64");
      buf[0] = (buf[0] ?? 0) ^ 1;
      return buf.toString("base64");
    };
    expect(() => cipher.decrypt([v, iv, tag, flip(data)].join(":"), nirOf(3))).toThrow(SecretKeyError);
    expect(() => cipher.decrypt([v, iv, flip(tag), data].join(":"), nirOf(3))).toThrow(SecretKeyError);
    expect(() => cipher.decrypt([v, flip(iv), tag, data].join(":"), nirOf(3))).toThrow(SecretKeyError);
    expect(() => cipher.decrypt("v2:garbage", nirOf(3))).toThrow(SecretKeyError);
  });

  test("an encrypted NIR copied into another row, column or table does not decrypt there (associated data)", () => {
    const token = cipher.encrypt("284021301234595", nirOf(41));
    expect(() => cipher.decrypt(token, nirOf(42))).toThrow(/person\.nir_encrypted, ligne 42/);
    expect(() => cipher.decrypt(token, cipherCells.approvalNumber(41))).toThrow(SecretKeyError);
    expect(() => cipher.decrypt(token, cipherCells.totpSecret(41))).toThrow(SecretKeyError);
    // The refusal names the cell, never the value.
    try {
      cipher.decrypt(token, nirOf(42));
    } catch (error) {
      expect(String(error)).not.toContain("2840213");
    }
    // A downgrade to the legacy format (no associated data) does not decrypt either.
    expect(() => cipher.decrypt(token.replace(/^v2:/, "v1:"), nirOf(41))).toThrow(SecretKeyError);
    expect(() => cipher.encrypt("x", { table: "person", column: "nir_encrypted", rowId: "1 OR 1=1" })).toThrow(SecretKeyError);
  });

  test("values written before associated data (v1) stay readable", () => {
    // A v1 token exactly as the previous format wrote it: AES-256-GCM under the same derived key, no associated data.
    const secret = Buffer.alloc(32, 7);
    const key = Buffer.from(hkdfSync("sha256", secret, "passerelle", "pii-encryption-v1", 32));
    const iv = Buffer.alloc(12, 1);
    const c = createCipheriv("aes-256-gcm", key, iv);
    const data = Buffer.concat([c.update("169056212345644", "utf8"), c.final()]);
    const v1 = `v1:${iv.toString("base64")}:${c.getAuthTag().toString("base64")}:${data.toString("base64")}`;
    expect(cipher.decrypt(v1, nirOf(7))).toBe("169056212345644");
  });

  test("another key cannot decrypt; the fingerprint names the key without revealing it", () => {
    const other = createPersonalDataCipher(Buffer.alloc(32, 9));
    expect(() => other.decrypt(cipher.encrypt("secret", nirOf(1)), nirOf(1))).toThrow(SecretKeyError);
    expect(cipher.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(cipher.fingerprint).toBe(testCipher().fingerprint);
    expect(other.fingerprint).not.toBe(cipher.fingerprint);
    expect(Buffer.alloc(32, 7).toString("hex")).not.toContain(cipher.fingerprint);
  });

  test("keyed hash: stable, normalised, kind-separated, key-dependent", () => {
    expect(cipher.hash("nir", "1 69 05 62 123 456 44")).toBe(cipher.hash("nir", "169056212345644"));
    expect(cipher.hash("nir", "169056212345644")).not.toBe(cipher.hash("pass", "169056212345644"));
    expect(cipher.hash("nir", "169056212345644")).not.toBe(createPersonalDataCipher(Buffer.alloc(32, 9)).hash("nir", "169056212345644"));
    expect(cipher.hash("identity", "Élodie  Dupont")).toBe(cipher.hash("identity", "ELODIE DUPONT"));
    expect(normalizeIdentifier("pass", "9999 9 12-34567")).toBe("999991234567");
    expect(cipher.hash("nir", "x")).toMatch(/^[0-9a-f]{64}$/);
  });

  test("NIR masking keeps sex, birth year and month only", () => {
    expect(maskNir("169056212345644")).toBe("1 69 05 ** *** *** **");
  });
});

describe("key management", () => {
  test("embedded mode creates the key file with mode 0600 on first start, then reuses it", () => {
    const dir = path.join(tempDir(), "data");
    const first = loadSecret(dir, {});
    const file = path.join(dir, "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(32);
    expect(loadSecret(dir, {}).equals(first)).toBe(true);
    expect(readFileSync(file, "utf8").trim()).toBe(first.toString("hex"));
  });

  test("a world- or group-readable key file is refused", () => {
    const dir = tempDir();
    loadSecret(dir, {});
    chmodSync(path.join(dir, "secret.key"), 0o644);
    expect(() => loadSecret(dir, {})).toThrow(/lisible par d'autres utilisateurs/);
    chmodSync(path.join(dir, "secret.key"), 0o640);
    expect(() => loadSecret(dir, {})).toThrow(SecretKeyError);
  });

  test("PASSERELLE_SECRET_KEY wins and must be 64 hex characters; a corrupt key file is refused", () => {
    const dir = tempDir();
    const key = "ab".repeat(32);
    expect(loadSecret(dir, { PASSERELLE_SECRET_KEY: key }).toString("hex")).toBe(key);
    expect(() => loadSecret(dir, { PASSERELLE_SECRET_KEY: "trop-court" })).toThrow(/64 caractères/);
    writeFileSync(path.join(dir, "secret.key"), "pas une clé\n", { mode: 0o600 });
    expect(() => loadSecret(dir, {})).toThrow(/invalide/);
    expect(() => createPersonalDataCipher(Buffer.alloc(16))).toThrow(SecretKeyError);
  });

  test("on PostgreSQL the key is required: no key file is generated, the refusal names the variable", () => {
    const dir = path.join(tempDir(), "data");
    expect(() => loadSecret(dir, { DATABASE_URL: "postgres://x@127.0.0.1/p" })).toThrow(
      /PASSERELLE_SECRET_KEY est obligatoire avec DATABASE_URL/,
    );
    expect(existsSync(path.join(dir, "secret.key"))).toBe(false);
    const key = "cd".repeat(32);
    expect(loadSecret(dir, { DATABASE_URL: "postgres://x@127.0.0.1/p", PASSERELLE_SECRET_KEY: key }).toString("hex")).toBe(key);
  });

  test("npm start with DATABASE_URL and no PASSERELLE_SECRET_KEY stops at once with a message naming the variable", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: {
        ...process.env,
        DATABASE_URL: "postgres://postgres@127.0.0.1:1/absente",
        PASSERELLE_SECRET_KEY: "",
        PORT: "0",
        PASSERELLE_SKIP_WEB_BUILD: "1",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("PASSERELLE_SECRET_KEY");
  });
});
