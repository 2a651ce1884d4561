// Salariés: the list of a structure (filters: present this month, PASS IAE ending within 30/90 days,
// no declaration this month; sort, pagination, CSV/XLSX), a salarié's page (eligibility, PASS IAE
// timeline, contract chains, monthly hours, support actions, trainings, exits) and the RGPD export of
// everything held about a person. Contracts: src/contracts/persons.ts; read models: src/queries/persons.ts,
// src/queries/personExport.ts (one visibility rule: src/queries/personVisibility.ts).
import { exportPerson, getPerson, listPersons } from "../../contracts/persons.js";
import { exportPerson as readPersonExport } from "../../queries/personExport.js";
import { listPersons as readPersons, type PERSON_SORT_COLUMNS, personPage } from "../../queries/persons.js";
import { actorOf, sendDecision } from "../auth/plugin.js";
import { personDecision } from "../auth/policies.js";
import type { RouteModule } from "../context.js";
import { sendExport } from "../lists/exportList.js";
import { parseSort, window } from "../lists/listQuery.js";
import { sendProblem } from "../problem.js";
import { route } from "../route.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  route(app, listPersons, { policy: "structure:declare" }, async ({ target, input: q, principal, reply }) => {
    const today = ctx.clock.today();
    const month = q.month ?? today.slice(0, 7);
    const { items, total } = await readPersons(db, principal!, target, {
      today,
      month,
      present: q.present,
      undeclared: q.undeclared,
      toExit: q.toExit,
      passEndingWithin: q.passEndingWithin,
      q: q.q,
      sort: parseSort<keyof typeof PERSON_SORT_COLUMNS>(q.sort),
      ...window(q),
    });
    if (q.format !== "json") {
      return sendExport(reply, q.format, `salaries-${target.id}-${month}`, items, [
        { header: "Nom", value: (r) => r.lastName },
        { header: "Prénom", value: (r) => r.firstName },
        { header: "Année de naissance", value: (r) => r.birthYear },
        { header: "RSA", value: (r) => r.rsa },
        { header: "Contrat", value: (r) => r.contractType },
        { header: "Début du contrat", value: (r) => r.contractStart },
        { header: "Fin prévue", value: (r) => r.contractPlannedEnd },
        { header: "Sortie", value: (r) => r.exitOn },
        { header: "PASS IAE (4 derniers caractères)", value: (r) => r.passLast4 },
        { header: "Fin du PASS IAE", value: (r) => r.passEndsOn },
        { header: "Jours restants", value: (r) => r.passRemainingDays },
        { header: `Heures ${month}`, value: (r) => r.hoursThisMonth, numFmt: "0.00" },
      ]);
    }
    return { items, total, page: q.page, pageSize: q.pageSize };
  });

  // The access check, the read's audit row and the read are the page's own statement: one round trip,
  // one commit per page view (the auth plugin applied only the role pre-check).
  route(app, getPerson, { policy: "person:read", readAudit: "inline" }, async ({ target, principal, request, reply }) => {
    const audit = request.readAudit;
    if (!audit || !principal) throw new Error("person page: the auth plugin prepared no audit entry");
    const { access, page } = await personPage(db, principal, target, {
      today: ctx.clock.today(),
      audit: { actor: actorOf(request), entry: audit },
    });
    if (!page) {
      const decision = personDecision(principal, access);
      if (!decision.allow) return sendDecision(reply, decision);
      throw new Error("person page: access granted without a page");
    }
    request.readAuditTaken = true;
    return page;
  });

  route(app, exportPerson, { policy: "person:read", auditAction: "person.export" }, async ({ target, principal, reply }) => {
    const data = await readPersonExport(db, ctx.pii, principal!, target.id, ctx.clock.now());
    if (!data) return sendProblem(reply, 404, "Ressource introuvable", "Personne introuvable.");
    reply.header("content-disposition", `attachment; filename="personne-${target.id}.json"`);
    reply.header("cache-control", "no-store");
    return reply.type("application/json; charset=utf-8").send(JSON.stringify(data, null, 2));
  });
};
export default routes;
