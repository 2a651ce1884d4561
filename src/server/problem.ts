// Errors as application/problem+json (RFC 9457) with a French message and the request id (requestId,
// also in the X-Request-Id header and in every log line of the request).
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
    .send(JSON.stringify({ type: "about:blank", title, status, detail, requestId: reply.request.id, ...extra }));
}
