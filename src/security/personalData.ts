// Protection of personal identifiers at rest (issue 8, iae-reference §9):
//  - NIR and PASS IAE numbers are stored encrypted with AES-256-GCM (random 96-bit IV, 128-bit tag);
//  - a keyed hash (HMAC-SHA-256 with a secret salt) allows matching the same person across structures
//    and counting distinct people in statistics without ever reading the clear value.
// Key management: PASSERELLE_SECRET_KEY (64 hex chars = 32 bytes) or, in embedded mode, a key file
// <PASSERELLE_DATA_DIR>/secret.key created with mode 0600 on first start; a world- or group-readable
// key file is refused. The encryption key and the hashing salt are derived from that one secret (HKDF).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export type IdentifierKind = "nir" | "pass" | "identity";

export interface PersonalDataCipher {
  /** AES-256-GCM; returns "v1:<iv b64>:<tag b64>:<ciphertext b64>". */
  encrypt(plain: string): string;
  decrypt(token: string): string;
  /** Keyed hash (64 hex chars) of a normalised identifier; same input -> same hash. */
  hash(kind: IdentifierKind, value: string): string;
}

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

/** Normalise before hashing so that formatting never splits one person in two. */
export function normalizeIdentifier(kind: IdentifierKind, value: string): string {
  if (kind === "identity") return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().replace(/\s+/g, " ").trim();
  return value.replace(/[\s.-]/g, "").toUpperCase();
}

export function createPersonalDataCipher(secret: Buffer): PersonalDataCipher {
  if (secret.length !== 32) throw new SecretKeyError("La clé secrète doit faire 32 octets (64 caractères hexadécimaux).");
  const encKey = Buffer.from(hkdfSync("sha256", secret, "passerelle", "pii-encryption-v1", 32));
  const salt = Buffer.from(hkdfSync("sha256", secret, "passerelle", "pii-hash-salt-v1", 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encKey, iv);
      const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `v1:${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${data.toString("base64")}`;
    },
    decrypt(token) {
      const [version, iv, tag, data] = token.split(":");
      if (version !== "v1" || !iv || !tag || data === undefined) throw new SecretKeyError("Donnée chiffrée illisible.");
      const decipher = createDecipheriv("aes-256-gcm", encKey, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
    },
    hash(kind, value) {
      return createHmac("sha256", salt).update(`${kind}:${normalizeIdentifier(kind, value)}`).digest("hex");
    },
  };
}

/**
 * The secret from PASSERELLE_SECRET_KEY, else from <dataDir>/secret.key (created 0600 when absent).
 * Refuses a key file readable by group or others.
 */
export function loadSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.PASSERELLE_SECRET_KEY;
  if (fromEnv) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) {
      throw new SecretKeyError("PASSERELLE_SECRET_KEY doit contenir 64 caractères hexadécimaux (32 octets).");
    }
    return Buffer.from(fromEnv, "hex");
  }
  const file = path.join(dataDir, "secret.key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SecretKeyError(
      `Le fichier de clé ${file} est lisible par d'autres utilisateurs (droits ${mode.toString(8)}) : ` +
        `Passerelle refuse de démarrer. Corrigez avec : chmod 600 ${file}`,
    );
  }
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new SecretKeyError(`Le fichier de clé ${file} est invalide.`);
  return Buffer.from(text, "hex");
}

/** A fixed cipher for tests and deterministic tooling (never for real data). */
export function testCipher(): PersonalDataCipher {
  return createPersonalDataCipher(Buffer.alloc(32, 7));
}
