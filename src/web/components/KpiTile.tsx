// Key figure tiles: a label, the value, an optional note under it and, when given, the figure's French
// definition, shown on hover and on keyboard focus (DSFR tooltip, shown by the DSFR script) and read by screen
// readers through aria-describedby. KpiTile is the tile of an indicator, with the label and definition of the
// indicator catalogue.
import { useId } from "react";
import { INDICATOR_DEFINITIONS, type IndicatorKey } from "../../domain/indicators/definitions.js";

export function FigureTile({
  label,
  value,
  testId,
  note,
  definition,
}: {
  label: string;
  value: string;
  testId: string;
  note?: string;
  definition?: string;
}) {
  const id = useId();
  return (
    <div className="kpi-tile" data-testid={testId}>
      <p className="fr-text--sm fr-mb-0">{label}</p>
      <p className="kpi-value" data-testid={`${testId}-value`}>
        {value}
      </p>
      {note && (
        <p className="fr-text--xs fr-mb-0" data-testid={`${testId}-note`}>
          {note}
        </p>
      )}
      {definition && (
        <>
          {/* Icon-only DSFR button, not "fr-btn--tooltip": the DSFR shows button tooltips on focus and click
              only; this referent gets hover too. */}
          <button
            type="button"
            className="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-information-line"
            aria-describedby={id}
            data-testid={`${testId}-definition`}
          >
            Définition : {label}
          </button>
          <span className="fr-tooltip fr-placement" id={id} role="tooltip" aria-hidden="true">
            {definition}
          </span>
        </>
      )}
    </div>
  );
}

export function KpiTile({ indicator, value, testId, note }: { indicator: IndicatorKey; value: string; testId: string; note?: string }) {
  const def = INDICATOR_DEFINITIONS[indicator];
  return <FigureTile label={def.label} value={value} testId={testId} note={note} definition={def.definition} />;
}
