// Errors as application/problem+json (RFC 9457) with a French message.
import type { FastifyReply } from "fastify";

export function sendProblem(
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .status(status)
    .type("application/problem+json; charset=utf-8")
    .send(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }));
}
