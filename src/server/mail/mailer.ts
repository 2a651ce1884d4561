// Outgoing e-mail. An invitation link is a credential: it goes to the invitee's mailbox and nowhere else
// (never in an API answer, a log or the audit trail). Transport: SMTP through nodemailer, configured by
// PASSERELLE_SMTP_URL (smtp://user:password@host:587 — STARTTLS when the server offers it, required
// unless ?requireTLS=false —, or smtps://host:465) and PASSERELLE_MAIL_FROM (the sender address).
//
// Without PASSERELLE_SMTP_URL: on a local instance (http, not NODE_ENV=production) the message is
// written on the server's standard error for the operator (the console that ran `npm start`); on a
// public instance no invitation can be sent and the API says so, naming the variable.
import nodemailer from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** "email": handed to the SMTP server; "console": written on the server console for the operator. */
  readonly delivery: "email" | "console";
  send(message: MailMessage): Promise<void>;
}

export const DEFAULT_MAIL_FROM = "Passerelle <ne-pas-repondre@passerelle.invalid>";

export function smtpMailer(url: string, from = DEFAULT_MAIL_FROM): Mailer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      "PASSERELLE_SMTP_URL invalide : adresse attendue de la forme smtp://utilisateur:mot-de-passe@hôte:587 ou smtps://hôte:465.",
    );
  }
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
    throw new Error("PASSERELLE_SMTP_URL invalide : le schéma doit être smtp:// ou smtps://.");
  }
  const requireTLS = parsed.protocol === "smtp:" && parsed.searchParams.get("requireTLS") !== "false";
  const transport = nodemailer.createTransport({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : parsed.protocol === "smtps:" ? 465 : 587,
    secure: parsed.protocol === "smtps:",
    requireTLS,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    delivery: "email",
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** The operator's console: a local instance without SMTP. */
export function consoleMailer(write: (text: string) => void = (text) => process.stderr.write(text)): Mailer {
  return {
    delivery: "console",
    async send(message) {
      write(
        `\n--- E-mail non envoyé (PASSERELLE_SMTP_URL n'est pas configuré) ---\nÀ : ${message.to}\nObjet : ${message.subject}\n\n${message.text}\n---\n`,
      );
    },
  };
}

/**
 * The mailer of an instance: SMTP when PASSERELLE_SMTP_URL is set; else the console on a local instance,
 * none (null) on a public one.
 */
export function mailerFromEnv(publicInstance: boolean, env: NodeJS.ProcessEnv = process.env): Mailer | null {
  const url = env.PASSERELLE_SMTP_URL?.trim();
  if (url) return smtpMailer(url, env.PASSERELLE_MAIL_FROM?.trim() || DEFAULT_MAIL_FROM);
  return publicInstance ? null : consoleMailer();
}
