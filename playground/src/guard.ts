/** The NaN guard's message on the page: training stopped, and why. */
import { $ } from "./controls.ts";
import type { Divergence } from "./trainer.ts";

export function showDivergence(d: Divergence | null): void {
  const box = $("nan-guard");
  box.textContent = d ? d.message : "";
  box.dataset.kind = d?.kind ?? "";
  box.hidden = d === null;
}
