// A date typed in French (JJ/MM/AAAA) in a DSFR text input: no native date picker, whose language and
// order (MM/DD/YYYY in an English browser) follow the browser's. The value in and out is ISO (AAAA-MM-JJ);
// a date not yet complete or impossible gives "" and the field says why.
import { type Ref, useEffect, useRef, useState } from "react";
import { TextField } from "./TextField.js";

const FR = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** "15/01/2020" → "2020-01-15"; null when not a real date. */
export function isoFromFrench(text: string): string | null {
  const m = FR.exec(text.trim());
  if (!m) return null;
  const [, d, mo, y] = m as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${mo}-${d}`;
}

export const frenchFromIso = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split("-").reverse().join("/") : "");

export function FrenchDateInput({
  label,
  name,
  value,
  onChange,
  min,
  inputRef,
  error,
}: {
  label: string;
  name: string;
  /** AAAA-MM-JJ, or "" */
  value: string;
  onChange: (iso: string) => void;
  /** Earliest date accepted (AAAA-MM-JJ). */
  min?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** The form's own message about this date (shown when the text itself is a valid date). */
  error?: string | null;
}) {
  const [text, setText] = useState(frenchFromIso(value));
  // A value set from outside (reset, pre-fill) replaces the text; the value this field emitted does not.
  const emitted = useRef(value);
  useEffect(() => {
    if (value === emitted.current) return;
    emitted.current = value;
    setText(frenchFromIso(value));
  }, [value]);
  const iso = isoFromFrench(text);
  const own =
    text.trim() === ""
      ? null
      : iso === null
        ? "Date attendue au format JJ/MM/AAAA (ex. 15/01/2020)."
        : min && iso < min
          ? `Date au plus tôt le ${frenchFromIso(min)}.`
          : null;
  return (
    <TextField
      label={label}
      hint="Format attendu : JJ/MM/AAAA"
      error={own ?? error}
      inputRef={inputRef}
      name={name}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder="JJ/MM/AAAA"
      pattern="\d{2}/\d{2}/\d{4}"
      value={text}
      onChange={(typed) => {
        setText(typed);
        const next = isoFromFrench(typed);
        emitted.current = next !== null && (!min || next >= min) ? next : "";
        onChange(emitted.current);
      }}
    />
  );
}
