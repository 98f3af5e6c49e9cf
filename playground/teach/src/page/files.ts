/**
 * Export and import. The worker writes the files (model.safetensors + model.json, model.onnx, classify.ts,
 * project.json); the page offers them as downloads, grouped as a user thinks of them. Import reads the chosen files
 * (size-capped) and hands them to the worker, which validates every field.
 */
import type { ExportFile } from "../protocol.ts";
import { $, button, download } from "./dom.ts";

/**
 * Largest file import reads (the worker's own cap on project.json, the largest file it reads), and most files at
 * once (a whole export: the worker skips model.onnx, classify.ts, model.py and check.safetensors).
 */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_FILES = 8;

/** The download buttons: which files each one saves. */
const GROUPS: { label: string; aria: string; names: string[] }[] = [
  {
    label: "Model (safetensors + model.json)",
    aria: "Download the model: model.safetensors and model.json",
    names: ["model.safetensors", "model.json"],
  },
  { label: "ONNX", aria: "Download the model as ONNX", names: ["model.onnx"] },
  {
    label: "PyTorch (model.py)",
    aria: "Download model.py, the network in PyTorch, and check.safetensors, the output it must match",
    names: ["model.py", "check.safetensors"],
  },
  { label: "classify.ts", aria: "Download the TypeScript snippet that classifies an image", names: ["classify.ts"] },
  { label: "Project", aria: "Download the project (classes, settings and samples)", names: ["project.json"] },
];

const typeOf = (name: string) =>
  name.endsWith(".json")
    ? "application/json"
    : name.endsWith(".ts")
      ? "text/typescript"
      : name.endsWith(".py")
        ? "text/x-python"
        : "application/octet-stream";

/** Shows the exported files as download buttons and the snippet as text to copy. */
export function showExported(files: readonly ExportFile[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  const save = (names: string[]) => {
    for (const n of names) {
      const f = byName.get(n);
      if (f) download(f.bytes, f.name, typeOf(f.name));
    }
  };
  const known = new Set(GROUPS.flatMap((g) => g.names));
  const buttons = [
    ...GROUPS.filter((g) => g.names.some((n) => byName.has(n))).map((g) =>
      button(g.label, g.aria, () => save(g.names), { "data-files": g.names.filter((n) => byName.has(n)).join(",") }),
    ),
    ...files
      .filter((f) => !known.has(f.name))
      .map((f) => button(f.name, `Download ${f.name}`, () => save([f.name]), { "data-files": f.name })),
  ];
  $("export-files").replaceChildren(...buttons);
  const snippet = byName.get("classify.ts");
  $<HTMLTextAreaElement>("export-code").value = snippet ? new TextDecoder().decode(snippet.bytes) : "";
  $("export-result").hidden = false;
}

/** Reads files chosen for import; throws a message for the user when there are too many or one is too large. */
export async function readImport(list: readonly File[]): Promise<ExportFile[]> {
  if (list.length === 0) throw new Error("Choose model.json with model.safetensors, project.json, or all three.");
  if (list.length > MAX_IMPORT_FILES) throw new Error(`Choose at most ${MAX_IMPORT_FILES} files to import, got ${list.length}.`);
  const big = list.find((f) => f.size > MAX_IMPORT_BYTES);
  if (big) throw new Error(`${big.name} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: it is not an export of this page.`);
  return Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}
