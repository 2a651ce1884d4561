// Binds the personal-data key to the database it encrypts (table pii_key, migration 0560): the first start
// records the key's fingerprint and the hashing salt wrapped by the key; every later start — app server or
// CLI — must present the same key, or is refused before writing a row. A key that does not match would
// otherwise encrypt new NIRs that no other server can read and hash them differently (duplicate people).
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db/schema.js";
import { cipherCells, createPersonalDataCipher, loadSecret, type PersonalDataCipher, SecretKeyError } from "./personalData.js";

export class KeyMismatchError extends SecretKeyError {
  constructor(message: string) {
    super(message);
    this.name = "KeyMismatchError";
  }
}

/** Where the key came from, for messages (never the key). */
export function keySource(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.PASSERELLE_SECRET_KEY ? "PASSERELLE_SECRET_KEY" : path.join(dataDir, "secret.key");
}

/** The file a rotation in embedded mode writes the new key to before its transaction commits. */
export function nextKeyFile(dataDir: string): string {
  return path.join(dataDir, "secret.key.next");
}

/**
 * The cipher for this database under `secret`: verifies the key against the recorded fingerprint (or, on a
 * database that has none yet, against the values already encrypted) and uses the database's hashing salt.
 */
export async function openPersonalDataCipher(db: Db, secret: Buffer, source = "la clé fournie"): Promise<PersonalDataCipher> {
  const candidate = createPersonalDataCipher(secret);
  let bound = await db.selectFrom("pii_key").select(["fingerprint", "hash_salt_encrypted"]).executeTakeFirst();
  if (!bound) {
    await probeStoredValues(db, candidate, source);
    await db
      .insertInto("pii_key")
      .values({ fingerprint: candidate.fingerprint, hash_salt_encrypted: candidate.wrapHashSalt(), rotated_at: null })
      .onConflict((oc) => oc.column("singleton").doNothing())
      .execute();
    bound = await db.selectFrom("pii_key").select(["fingerprint", "hash_salt_encrypted"]).executeTakeFirstOrThrow();
  }
  if (bound.fingerprint !== candidate.fingerprint) {
    throw new KeyMismatchError(
      `La clé des données personnelles (${source}, empreinte ${candidate.fingerprint}) n'est pas celle de cette base ` +
        `(empreinte ${bound.fingerprint}) : Passerelle refuse de lire ou d'écrire un NIR avec. Donnez la clé de la base ` +
        "(après `passerelle keys rotate`, la nouvelle clé).",
    );
  }
  const salt = Buffer.from(candidate.decrypt(bound.hash_salt_encrypted, cipherCells.hashSalt()), "hex");
  return createPersonalDataCipher(secret, salt);
}

/** On a database with no recorded key, one stored value of each kind must decrypt under the key presented. */
async function probeStoredValues(db: Db, cipher: PersonalDataCipher, source: string): Promise<void> {
  const person = await db
    .selectFrom("person")
    .select(["id", "nir_encrypted"])
    .where("nir_encrypted", "is not", null)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  const approval = await db
    .selectFrom("approval")
    .select(["id", "number_encrypted"])
    .where("number_encrypted", "is not", null)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  try {
    if (person?.nir_encrypted) cipher.decrypt(person.nir_encrypted, cipherCells.personNir(person.id));
    if (approval?.number_encrypted) cipher.decrypt(approval.number_encrypted, cipherCells.approvalNumber(approval.id));
  } catch {
    throw new KeyMismatchError(
      `La clé des données personnelles (${source}) ne déchiffre pas les données déjà enregistrées dans cette base : ` +
        "Passerelle refuse de démarrer avec. Donnez la clé avec laquelle cette base a été remplie.",
    );
  }
}

/**
 * Embedded mode: finishes or forgets a rotation interrupted between its commit and the key file's
 * replacement. The database says which key it is encrypted with; the file that matches it stays.
 */
export async function settlePendingRotation(db: Db, dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const next = nextKeyFile(dataDir);
  if (env.PASSERELLE_SECRET_KEY || !existsSync(next)) return;
  const text = readFileSync(next, "utf8").trim();
  const bound = await db.selectFrom("pii_key").select("fingerprint").executeTakeFirst();
  const nextFingerprint = /^[0-9a-fA-F]{64}$/.test(text) ? createPersonalDataCipher(Buffer.from(text, "hex")).fingerprint : null;
  if (bound && nextFingerprint === bound.fingerprint) renameSync(next, path.join(dataDir, "secret.key"));
  else rmSync(next, { force: true });
}

/** The server's and the CLI's cipher: the configured key, checked against this database. */
export async function configuredPersonalDataCipher(
  db: Db,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PersonalDataCipher> {
  await settlePendingRotation(db, dataDir, env);
  return openPersonalDataCipher(db, loadSecret(dataDir, env), keySource(dataDir, env));
}
