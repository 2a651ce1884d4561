// Runs a write operation (src/operations) for an HTTP route: one transaction, the caller as audit
// actor, and the operation's errors as French problem+json (400 with the field of every issue,
// 404 for a missing row, 422 for a domain rule).
import type { FastifyReply, FastifyRequest } from "fastify";
import { DomainRuleError } from "../../domain/errors.js";
import { NotFoundError, type OperationDeps, OperationInputError } from "../../operations/types.js";
import type { Db } from "../../db/schema.js";
import { actorOf } from "../auth/plugin.js";
import type { AppContext } from "../context.js";
import { sendProblem } from "../problem.js";

export type OperationOutcome<T> = { ok: true; value: T } | { ok: false; reply: FastifyReply };

export async function runOperation<T>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: (db: Db, deps: OperationDeps) => Promise<T>,
): Promise<OperationOutcome<T>> {
  const deps: OperationDeps = { clock: ctx.clock, pii: ctx.pii, actor: actorOf(request) };
  try {
    const value = await ctx.handle.withTransaction(({ db }) => operation(db, deps));
    return { ok: true, value };
  } catch (error) {
    if (error instanceof OperationInputError) {
      return {
        ok: false,
        reply: sendProblem(reply, 400, "Saisie invalide", error.message, {
          errors: error.issues.map((i) => ({ field: i.field, message: i.reason })),
        }),
      };
    }
    if (error instanceof NotFoundError) {
      return { ok: false, reply: sendProblem(reply, 404, "Ressource introuvable", error.message) };
    }
    if (error instanceof DomainRuleError) {
      return { ok: false, reply: sendProblem(reply, 422, "Règle de gestion non respectée", error.message) };
    }
    throw error;
  }
}
