// A DSFR text input bound to a string: its label, an optional hint, the error message (the field is in error
// state when there is one, and says why) and the few native attributes that matter for filling it in.
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import type { HTMLInputTypeAttribute, Ref } from "react";

export type TextFieldProps = {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  error?: string | null;
  type?: HTMLInputTypeAttribute;
  inputMode?: "text" | "numeric" | "decimal" | "email";
  autoComplete?: string;
  placeholder?: string;
  pattern?: string;
  autoFocus?: boolean;
  inputRef?: Ref<HTMLInputElement>;
};

export function TextField({ label, hint, error, onChange, inputRef, ...native }: TextFieldProps) {
  return (
    <Input
      label={label}
      hintText={hint}
      state={error ? "error" : "default"}
      stateRelatedMessage={error ?? undefined}
      nativeInputProps={{ ...native, ref: inputRef, onChange: (e) => onChange(e.target.value) }}
    />
  );
}

/** A number typed the French way (12,5): decimal keypad on phones, no autofill of past values. */
export function DecimalField(props: Omit<TextFieldProps, "type" | "inputMode" | "autoComplete">) {
  return <TextField {...props} inputMode="decimal" autoComplete="off" />;
}
