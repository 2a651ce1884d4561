// `passerelle keys rotate`: re-encrypt every personal identifier under a new key (src/security/keyRotation.ts).
// The new key comes from PASSERELLE_NEW_SECRET_KEY (never from the command line, which `ps` shows); in
// embedded mode with a key file and no new key given, one is generated. Embedded: the new key is written to
// secret.key.next before the transaction and replaces secret.key after it commits; a crash in between is
// settled at the next start by the fingerprint the database records (src/security/keyBinding.ts).
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { dataDirFromEnv } from "../../db/dataDir.js";
import { nextKeyFile, settlePendingRotation } from "../../security/keyBinding.js";
import { rotatePersonalDataKey } from "../../security/keyRotation.js";
import { loadSecret, SecretKeyError } from "../../security/personalData.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";

const CLI_ACTOR = { userId: null, label: "cli" };

export function register(program: Command): void {
  const keys = program.command("keys").description("Clé de chiffrement des données personnelles (NIR, numéros de PASS IAE)");
  keys
    .command("rotate")
    .description(
      "Rechiffre tous les NIR, numéros de PASS IAE et secrets TOTP avec une nouvelle clé (PASSERELLE_NEW_SECRET_KEY), en une transaction ; arrêtez les serveurs d'application avant",
    )
    .option("--json", "résultat en JSON : { oldFingerprint, newFingerprint, personNir, approvalNumber, totpSecret, upgradedFromV1 }")
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (handle) => {
        const dataDir = dataDirFromEnv();
        const env = process.env;
        const keyFile = !env.PASSERELLE_SECRET_KEY;
        if (keyFile && handle.engine !== "pglite")
          throw new InvalidInputError("PASSERELLE_SECRET_KEY (la clé actuelle) est nécessaire sur PostgreSQL.");
        const given = env.PASSERELLE_NEW_SECRET_KEY;
        if (given !== undefined && !/^[0-9a-fA-F]{64}$/.test(given))
          throw new InvalidInputError("PASSERELLE_NEW_SECRET_KEY doit contenir 64 caractères hexadécimaux (32 octets).");
        if (given === undefined && !keyFile)
          throw new InvalidInputError(
            "Donnez la nouvelle clé dans PASSERELLE_NEW_SECRET_KEY (openssl rand -hex 32) ; l'ancienne reste dans PASSERELLE_SECRET_KEY.",
          );
        if (keyFile) await settlePendingRotation(handle.db, dataDir, env);
        const oldSecret = loadSecret(dataDir, env);
        const newSecret = given === undefined ? randomBytes(32) : Buffer.from(given, "hex");
        const next = nextKeyFile(dataDir);
        if (keyFile) {
          if (existsSync(next)) throw new InvalidInputError(`Une rotation est déjà en cours (${next} existe).`);
          writeFileSync(next, `${newSecret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
        }
        let report: Awaited<ReturnType<typeof rotatePersonalDataKey>>;
        try {
          report = await rotatePersonalDataKey(handle, oldSecret, newSecret, CLI_ACTOR);
        } catch (error) {
          if (keyFile) rmSync(next, { force: true });
          if (error instanceof SecretKeyError) throw new InvalidInputError(error.message);
          throw error;
        }
        if (keyFile) renameSync(next, `${dataDir}/secret.key`);
        if (opts.json) printJson(report);
        else {
          process.stdout.write(
            `Clé changée : empreinte ${report.oldFingerprint} → ${report.newFingerprint} ; rechiffrés : ${report.personNir} NIR, ` +
              `${report.approvalNumber} numéros de PASS IAE, ${report.totpSecret} secrets TOTP (dont ${report.upgradedFromV1} liés à leur ligne pour la première fois).\n`,
          );
          process.stdout.write(
            keyFile
              ? `La nouvelle clé est dans ${dataDir}/secret.key ; pensez à la sauvegarder à part (elle n'est pas dans les sauvegardes de la base).\n`
              : "Remplacez PASSERELLE_SECRET_KEY par la valeur de PASSERELLE_NEW_SECRET_KEY sur chaque serveur, puis redémarrez-les : un serveur resté sur l'ancienne clé est refusé au démarrage.\n",
          );
        }
      });
    });
}
