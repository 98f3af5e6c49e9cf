/** How the CLI reports a failure: one line saying what failed and what to do; the stack only with `--debug`. */
import { TensorGradError } from "../errors.js";
import { UsageError } from "./args.js";

/** A run that failed for a reason the message explains (bad data, NaN gradients...): printed as is, exit status 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Whether stack traces were asked for: `--debug` anywhere on the command line, or `TENSORGRAD_DEBUG=1`. */
export function debugRequested(argv: readonly string[]): boolean {
  const env = process.env.TENSORGRAD_DEBUG;
  return argv.includes("--debug") || (env !== undefined && env !== "" && env !== "0");
}

const FS_HINTS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  EEXIST: "something already exists there",
  EACCES: "permission denied; pick a folder you can write to",
  EPERM: "operation not permitted; pick a folder you can write to",
  EROFS: "the file system is read-only; pick another folder",
  ENOSPC: "the disk is full; free some space or pick another folder",
  EDQUOT: "the disk quota is used up; free some space",
  EMFILE: "too many open files",
  ELOOP: "too many symbolic links (a link loop?)",
  ENAMETOOLONG: "the path is too long",
  EADDRNOTAVAIL: "that address is not one of this machine's; use 127.0.0.1, localhost or 0.0.0.0",
  EADDRINUSE: "the port is in use; pick another with --port, or --port 0 for a free one",
};

/** The one line a failure prints (without the "tensorgrad: " prefix), and the exit status. */
export function describeFailure(e: unknown): { message: string; status: number } {
  if (e instanceof UsageError) return { message: e.message, status: 2 };
  if (e instanceof TensorGradError || e instanceof CommandFailed) return { message: e.message, status: 1 };
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : undefined;
  if (code !== undefined && Object.hasOwn(FS_HINTS, code)) {
    const what = err.syscall ? `${err.syscall}${err.path ? ` ${err.path}` : ""}` : "failed";
    return { message: `${what}: ${FS_HINTS[code]}`, status: 1 };
  }
  if (code?.startsWith("Z_") || code === "ERR_PADDING_1") return { message: `the file is not valid gzip data (${err.message})`, status: 1 };
  if (e instanceof RangeError && /allocation|Array buffer|Invalid typed array length/i.test(e.message)) {
    return { message: `out of memory: ${e.message}; use smaller sizes`, status: 1 };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { message: `${message} (an unexpected error: run with --debug for the stack trace and please report it)`, status: 1 };
}
