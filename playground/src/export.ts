/** Export: the safetensors file and the TypeScript snippet (made in the worker) offered as downloads on the page. */
import { $ } from "./controls.ts";

/** Starts a download of `data` as `fileName`. */
export function download(data: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Shows the exported model: downloads the weights and fills the code panel. */
export function showExport(bytes: Uint8Array, snippet: string, fileName: string): void {
  download(bytes, fileName, "application/octet-stream");
  $("export-file").textContent = fileName;
  $<HTMLTextAreaElement>("export-code").value = snippet;
  $("export-panel").hidden = false;
  $("export-copy").onclick = () => {
    void navigator.clipboard?.writeText(snippet);
  };
  $("export-ts").onclick = () => download(snippet, "predict.ts", "text/typescript");
}
