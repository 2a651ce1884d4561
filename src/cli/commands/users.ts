// `passerelle users …` — accounts for operators: create (local password read from standard input or
// PASSERELLE_NEW_PASSWORD, or SSO only), list, unlock, disable / enable.
import type { Command } from "commander";
import { unlockLogin } from "../../server/auth/loginThrottle.js";
import { removeSecondFactor } from "../../server/auth/secondFactor.js";
import { securityDb } from "../../server/auth/securityTables.js";
import type { Role } from "../../db/schema.js";
import { ROLES, createUser, UserInputError } from "../../security/users.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";

const CLI_ACTOR = { userId: null, label: "cli" };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export function register(program: Command): void {
  const users = program.command("users").description("Gestion des comptes utilisateurs");

  users
    .command("create")
    .description(
      "Crée un compte (mot de passe lu sur l'entrée standard avec --password-stdin, ou PASSERELLE_NEW_PASSWORD ; sinon connexion ProConnect uniquement)",
    )
    .requiredOption("--email <email>", "adresse e-mail (identifiant)")
    .requiredOption("--name <nom>", "nom affiché")
    .requiredOption("--role <role>", `rôle : ${ROLES.join(", ")}`)
    .option("--region <code>", "région (DREETS), code INSEE à 2 chiffres")
    .option("--departement <code>", "département (DDETS, conseil départemental)")
    .option("--structure <id>", "structure (comptes siae)")
    .option("--structure-admin", "administrateur de la structure")
    .option("--password-stdin", "lit le mot de passe sur l'entrée standard")
    .option("--json", "résultat en JSON")
    .action(
      async (opts: {
        email: string;
        name: string;
        role: string;
        region?: string;
        departement?: string;
        structure?: string;
        structureAdmin?: boolean;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        await withDatabase(async (handle) => {
          if (!ROLES.includes(opts.role as Role))
            throw new InvalidInputError(`--role : rôle inconnu « ${opts.role} » (attendu : ${ROLES.join(", ")}).`);
          if (opts.structure !== undefined && !/^[1-9][0-9]*$/.test(opts.structure))
            throw new InvalidInputError(`--structure : identifiant invalide « ${opts.structure} ».`);
          const password = opts.passwordStdin ? await readStdin() : (process.env.PASSERELLE_NEW_PASSWORD ?? null);
          try {
            const created = await handle.withTransaction(({ db }) =>
              createUser(
                db,
                {
                  email: opts.email,
                  displayName: opts.name,
                  role: opts.role as Role,
                  regionCode: opts.region ?? null,
                  departementCode: opts.departement?.toUpperCase() ?? null,
                  structureId: opts.structure ? Number(opts.structure) : null,
                  structureAdmin: Boolean(opts.structureAdmin),
                  password: password || null,
                },
                CLI_ACTOR,
              ),
            );
            const result = {
              id: created.id,
              email: opts.email.trim().toLowerCase(),
              role: opts.role,
              login: password ? "mot de passe" : "ProConnect",
            };
            if (opts.json) printJson(result);
            else process.stdout.write(`Compte créé : ${result.email} (${result.role}, n° ${result.id}, connexion : ${result.login}).\n`);
          } catch (error) {
            if (error instanceof UserInputError) throw new InvalidInputError(`${error.field} : ${error.message}`);
            throw error;
          }
        });
      },
    );

  users
    .command("list")
    .description("Liste les comptes")
    .option("--json", "résultat en JSON")
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (handle) => {
        const rows = await handle.db
          .selectFrom("app_user")
          .select(["id", "email", "display_name", "role", "region_code", "departement_code", "disabled", "locked_until"])
          .orderBy("email")
          .execute();
        const list = rows.map((r) => ({
          id: Number(r.id),
          email: r.email,
          displayName: r.display_name,
          role: r.role,
          regionCode: r.region_code,
          departementCode: r.departement_code,
          disabled: r.disabled,
          locked: r.locked_until !== null && r.locked_until.getTime() > Date.now(),
        }));
        if (opts.json) printJson(list);
        else
          for (const u of list)
            process.stdout.write(
              `${u.id}\t${u.email}\t${u.role}\t${u.departementCode ?? u.regionCode ?? ""}${u.disabled ? "\tdésactivé" : ""}${u.locked ? "\tverrouillé" : ""}\n`,
            );
      });
    });

  const setFlags = (
    name: string,
    description: string,
    values: { disabled?: boolean; unlock?: boolean; allowSso?: boolean; resetSecondFactor?: boolean },
  ) =>
    users
      .command(`${name} <email>`)
      .description(description)
      .action(async (email: string) => {
        await withDatabase(async (handle) => {
          const done = await handle.withTransaction(async ({ db }) => {
            const user = await db
              .selectFrom("app_user")
              .select(["id", "disabled"])
              .where("email", "=", email.trim().toLowerCase())
              .executeTakeFirst();
            if (!user) return false;
            await db
              .updateTable("app_user")
              .set({
                ...(values.disabled !== undefined ? { disabled: values.disabled } : {}),
                ...(values.unlock ? { locked_until: null, failed_logins: 0 } : {}),
                updated_at: new Date(),
              })
              .where("id", "=", user.id)
              .execute();
            if (values.disabled) await db.deleteFrom("user_session").where("user_id", "=", user.id).execute();
            if (values.unlock) await unlockLogin(db, email);
            if (values.allowSso)
              await securityDb(db).updateTable("app_user").set({ oidc_link_allowed: true }).where("id", "=", user.id).execute();
            if (values.resetSecondFactor) await removeSecondFactor(db, Number(user.id));
            await db
              .insertInto("audit_event")
              .values({
                actor_label: "cli",
                action: `user.${name}`,
                entity: "app_user",
                entity_id: String(user.id),
                before: JSON.stringify({ disabled: user.disabled }),
                after: JSON.stringify(values),
              })
              .execute();
            return true;
          });
          if (!done) throw new InvalidInputError(`Aucun compte pour ${email}.`);
          process.stdout.write(`${email} : ${description.toLowerCase()} — fait.\n`);
        });
      });
  setFlags("unlock", "Déverrouille un compte bloqué après trop d'essais", { unlock: true });
  setFlags("disable", "Désactive un compte et ferme ses sessions", { disabled: true });
  setFlags("enable", "Réactive un compte", { disabled: false });
  setFlags("allow-sso", "Autorise la première connexion ProConnect du compte à le rattacher par son e-mail", { allowSso: true });
  setFlags("reset-2fa", "Retire la double authentification d'un compte (appareil perdu) : elle sera redemandée à la prochaine connexion", {
    resetSecondFactor: true,
  });
}
