/** The CSV file input: reads the file, parses it for the current problem type, and reports errors on the page. */
import { $ } from "./controls.ts";
import { CsvError, MAX_CSV_BYTES, type ParsedCsv, parseCsv } from "./csv.ts";
import type { Problem } from "./state.ts";

export interface CsvHandlers {
  problem(): Problem;
  loaded(text: string, parsed: ParsedCsv, fileName: string): void;
}

export function showCsvError(message: string | null): void {
  const box = $("csv-error");
  box.textContent = message ?? "";
  box.hidden = message === null;
}

/** Re-parses kept CSV text for another problem type; null (and the error shown) when it doesn't fit. */
export function reparse(text: string, problem: Problem): ParsedCsv | null {
  try {
    const parsed = parseCsv(text, problem);
    showCsvError(null);
    return parsed;
  } catch (e) {
    showCsvError(`Your CSV can't be used for ${problem}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export function bindCsvInput(h: CsvHandlers): void {
  const input = $<HTMLInputElement>("csv-file");
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > MAX_CSV_BYTES) {
      showCsvError(`${file.name}: the file is too large (${file.size} bytes; at most ${MAX_CSV_BYTES})`);
      return;
    }
    try {
      const text = await file.text();
      const parsed = parseCsv(text, h.problem());
      showCsvError(null);
      $("csv-info").textContent =
        `${file.name}: ${parsed.labels.length} points${parsed.header ? ` (columns ${parsed.header.join(", ")})` : ""}`;
      h.loaded(text, parsed, file.name);
    } catch (e) {
      showCsvError(
        `${file.name}: ${e instanceof CsvError ? e.message : `could not read the file (${e instanceof Error ? e.message : String(e)})`}`,
      );
    }
    input.value = "";
  });
}
