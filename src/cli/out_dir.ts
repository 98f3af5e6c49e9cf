/** The output folder of a run, checked and created one level at a time, with errors that say what to do. */
import { constants } from "node:fs";
import { access, lstat, mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "./args.js";

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/**
 * Makes sure `dir` is a folder we can write to, creating it and any missing parents. Each level is made with a plain
 * `mkdir` (Node's recursive one can loop forever under /proc), and a path through a file, a dangling symbolic link or
 * a read-only folder gets a `UsageError` naming it.
 */
export async function prepareOutDir(dir: string, flag = "--out"): Promise<void> {
  if (dir.trim() === "") throw new UsageError(`${flag} is empty; give a folder name`);
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const info = await lstat(at).catch((e: unknown) => {
      if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return null;
      throw new UsageError(`${flag} ${dir}: can't look at ${at} (${code(e) ?? (e as Error).message})`);
    });
    if (info === null) {
      missing.push(at);
      const up = dirname(at);
      if (up === at) throw new UsageError(`${flag} ${dir}: no part of the path exists`);
      at = up;
      continue;
    }
    const target = info.isSymbolicLink() ? await stat(at).catch(() => null) : info;
    if (target === null) throw new UsageError(`${flag} ${dir}: ${at} is a symbolic link to nothing; remove it or pick another folder`);
    if (!target.isDirectory()) throw new UsageError(`${flag} ${dir}: ${at} is a file, not a folder; pick another folder`);
    break;
  }
  await access(at, constants.W_OK).catch(() => {
    throw new UsageError(`${flag} ${dir}: ${at} is not writable (read-only or not yours); pick another folder`);
  });
  for (const level of missing.reverse()) {
    await mkdir(level).catch((e: unknown) => {
      if (code(e) === "EEXIST") return;
      throw new UsageError(`${flag} ${dir}: can't create ${level} (${code(e) ?? (e as Error).message}); pick another folder`);
    });
  }
}
