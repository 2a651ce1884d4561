// Typed access to the values of one FluxIAE record; each malformed value is collected as an issue
// (column + French reason) instead of stopping the import, so a rejected row lists all its problems.
import {
  FluxValueError,
  parseFluxBoolean,
  parseFluxDate,
  parseFluxDecimal,
  parseFluxDuration,
  parseFluxInteger,
  parseFluxTimestamp,
} from "./values.js";

export interface FieldIssue {
  column: string | null;
  reason: string;
}

export class RowFields {
  readonly issues: FieldIssue[] = [];
  constructor(readonly values: Readonly<Record<string, string | null>>) {}

  has(column: string): boolean {
    return Object.hasOwn(this.values, column);
  }

  text(column: string): string | null {
    const v = this.values[column];
    if (v === undefined || v === null) return null;
    const t = v.trim();
    return t === "" ? null : t;
  }

  required(column: string): string | null {
    const v = this.text(column);
    if (v === null) this.issues.push({ column, reason: "valeur obligatoire absente" });
    return v;
  }

  problem(column: string | null, reason: string): void {
    this.issues.push({ column, reason });
  }

  private parse<T>(column: string, required: boolean, parser: (v: string) => T): T | null {
    const v = required ? this.required(column) : this.text(column);
    if (v === null) return null;
    try {
      return parser(v);
    } catch (error) {
      if (error instanceof FluxValueError) {
        this.issues.push({ column, reason: error.message });
        return null;
      }
      throw error;
    }
  }

  date(column: string, required = false): string | null {
    return this.parse(column, required, parseFluxDate);
  }
  timestamp(column: string, required = false): string | null {
    return this.parse(column, required, parseFluxTimestamp);
  }
  decimal(column: string, scale = 2, required = false): string | null {
    return this.parse(column, required, (v) => parseFluxDecimal(v, scale));
  }
  integer(column: string, required = false): number | null {
    return this.parse(column, required, parseFluxInteger);
  }
  boolean(column: string, required = false): boolean | null {
    return this.parse(column, required, parseFluxBoolean);
  }
  duration(column: string, required = false): string | null {
    return this.parse(column, required, parseFluxDuration);
  }
}
