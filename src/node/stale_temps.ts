/// <reference types="node" />
/** Temporary files of atomic saves that a killed process left behind, found and removed by the next save. */
import fs from "node:fs";
import path from "node:path";

/** The name `writeFileAtomic` gives the temporary file of `base`, with its writer's pid and start time. */
export function tempName(base: string, pid: number, counter: number): string {
  return `.${base}.${pid}.${Date.now()}.${counter}.tmp`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temporary files of `base` in `dir` whose writing process is gone (or that are over a day old), so that
 * `kill -9` during saves does not pile them up. Best effort: anything it cannot do it leaves.
 */
export async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    const old = Date.now() - Number(m[2]) > 24 * 3600 * 1000;
    if (pid === process.pid || (!old && alive(pid))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true }).catch(() => {});
  }
}
