// Recording the exit of a recruitment: motif from the referential (its category shown as soon as it
// is chosen), date checked as you type; confirms what was recorded.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { recordExit } from "../../contracts/declarations.js";
import { listExitMotifs } from "../../contracts/referentials.js";
import { ApiError, call } from "../api/client.js";
import { formatDate } from "../format.js";
import { FrenchDateInput } from "./FrenchDateInput.js";

export function exitDateError(value: string, minDate: string): string | null {
  if (value === "") return "Indiquez la date de sortie.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return "Date attendue au format JJ/MM/AAAA.";
  if (value < minDate) return `La sortie ne peut pas précéder le début du contrat (${formatDate(minDate)}).`;
  return null;
}

/** What the confirmation of a recorded exit says (the API's motif and category). */
export function exitConfirmation(exitOn: string, written: { motifLabel: string; categoryLabel: string }): string {
  return `Sortie du ${formatDate(exitOn)} : ${written.motifLabel} (catégorie : ${written.categoryLabel}).`;
}

export function ExitForm({
  structureId,
  contractId,
  minDate,
  personId,
  onRecorded,
}: {
  structureId: number;
  contractId: number;
  minDate: string;
  personId: number;
  /** Called with the confirmation text: the page keeps it shown once the refreshed salarié replaces this form. */
  onRecorded?: (confirmation: string) => void;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [exitOn, setExitOn] = useState("");
  const [motif, setMotif] = useState("");
  const [touched, setTouched] = useState(false);
  // Keyboard: opening the form moves the focus to its first field.
  const dateRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) dateRef.current?.focus();
  }, [open]);
  const motifs = useQuery({
    enabled: open,
    queryKey: ["exit-motifs"],
    queryFn: () => call(listExitMotifs),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const save = useMutation({
    mutationFn: () =>
      call<typeof recordExit, 201>(recordExit, { params: { structureId }, body: { contractId, exitOn, motifCode: Number(motif) } }),
    onSuccess: (written) => {
      onRecorded?.(exitConfirmation(exitOn, written));
      void client.invalidateQueries({ queryKey: ["person", String(personId)] });
      void client.invalidateQueries({ queryKey: ["persons"] });
    },
  });
  const dateError = touched || exitOn !== "" ? exitDateError(exitOn, minDate) : null;
  const motifError = touched && motif === "" ? "Choisissez le motif de sortie." : null;
  const chosen = motifs.data?.find((m) => String(m.code) === motif);

  if (save.isSuccess) {
    return <Alert severity="success" title="Sortie enregistrée" description={exitConfirmation(exitOn, save.data)} />;
  }
  if (!open) {
    return (
      <Button priority="secondary" onClick={() => setOpen(true)}>
        Enregistrer la sortie
      </Button>
    );
  }
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTouched(true);
    if (exitDateError(exitOn, minDate)) {
      dateRef.current?.focus();
      return;
    }
    if (motif === "") {
      e.currentTarget.querySelector<HTMLSelectElement>('select[name="motif"]')?.focus();
      return;
    }
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Enregistrer la sortie" className="fr-mt-2w">
      {save.isError && (
        <Alert
          severity="error"
          title="Sortie non enregistrée"
          description={save.error instanceof ApiError ? save.error.message : "Erreur inattendue."}
          className="fr-mb-2w"
        />
      )}
      <FrenchDateInput
        label="Date de sortie"
        name="exitOn"
        inputRef={dateRef}
        value={exitOn}
        min={minDate}
        onChange={setExitOn}
        error={dateError}
      />
      <Select
        label="Motif de sortie"
        state={motifError ? "error" : "default"}
        stateRelatedMessage={motifError ?? undefined}
        nativeSelectProps={{ name: "motif", value: motif, onChange: (e) => setMotif(e.target.value) }}
      >
        <option value="" disabled>
          {motifs.isPending ? "Chargement des motifs…" : "Choisir un motif"}
        </option>
        {(motifs.data ?? []).map((m) => (
          <option key={m.code} value={m.code}>
            {m.code} — {m.label}
          </option>
        ))}
      </Select>
      {chosen && (
        <p data-testid="exit-category" aria-live="polite">
          Catégorie : <strong>{chosen.categoryLabel}</strong>
        </p>
      )}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Enregistrement…" : "Enregistrer la sortie"}
      </Button>
    </form>
  );
}
