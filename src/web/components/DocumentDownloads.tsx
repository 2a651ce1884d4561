// The download buttons of a document page (CDIAE pack, dialogue sheet): one DSFR button per format, PDF first
// and primary, then any page-specific action (e.g. a link to the next step) after them.
import type { ReactNode } from "react";

type DocumentFormat = "pdf" | "xlsx";

const LABELS: Record<DocumentFormat, string> = { pdf: "Télécharger en PDF", xlsx: "Télécharger en XLSX" };

export function DocumentDownloads({
  label,
  href,
  testIdPrefix,
  children,
}: {
  label: string;
  href: (format: DocumentFormat) => string;
  /** The buttons' test ids are `${testIdPrefix}-pdf` and `${testIdPrefix}-xlsx`. */
  testIdPrefix: string;
  children?: ReactNode;
}) {
  return (
    <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-3w" aria-label={label}>
      {(["pdf", "xlsx"] as const).map((format) => (
        <li key={format}>
          <a
            className={`fr-btn${format === "pdf" ? "" : " fr-btn--secondary"} fr-icon-download-line`}
            href={href(format)}
            download
            data-testid={`${testIdPrefix}-${format}`}
          >
            {LABELS[format]}
          </a>
        </li>
      ))}
      {children}
    </ul>
  );
}
