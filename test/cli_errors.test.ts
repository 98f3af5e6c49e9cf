import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../src/cli/args.ts";
import { CommandFailed, debugRequested, describeFailure } from "../src/cli/errors.ts";

const sysError = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: raw`), { code, syscall, path });

describe("CLI failure messages", () => {
  it("turns system errors into one line saying what failed and what to do", () => {
    assert.deepEqual(describeFailure(sysError("ENOSPC", "write", "/runs/x/checkpoint.safetensors")), {
      message: "write /runs/x/checkpoint.safetensors: the disk is full; free some space or pick another folder",
      status: 1,
    });
    assert.match(
      describeFailure(sysError("EROFS", "open", "/ro/metrics.csv")).message,
      /^open \/ro\/metrics\.csv: the file system is read-only; pick another folder$/,
    );
    assert.match(describeFailure(sysError("EACCES", "mkdir", "/root/x")).message, /permission denied/);
    assert.match(
      describeFailure(Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR" })).message,
      /not valid gzip data/,
    );
  });

  it("keeps usage errors at status 2 and run failures at 1, and flags anything else as unexpected", () => {
    assert.deepEqual(describeFailure(new UsageError("--x is bad")), { message: "--x is bad", status: 2 });
    assert.deepEqual(describeFailure(new CommandFailed("NaN gradients")), { message: "NaN gradients", status: 1 });
    const other = describeFailure(new TypeError("x is undefined"));
    assert.equal(other.status, 1);
    assert.match(other.message, /x is undefined \(an unexpected error: run with --debug for the stack trace/);
  });

  it("shows stacks with --debug or TENSORGRAD_DEBUG", () => {
    const saved = process.env.TENSORGRAD_DEBUG;
    try {
      delete process.env.TENSORGRAD_DEBUG;
      assert.equal(debugRequested(["train"]), false);
      assert.equal(debugRequested(["train", "--debug"]), true);
      process.env.TENSORGRAD_DEBUG = "1";
      assert.equal(debugRequested(["train"]), true);
      process.env.TENSORGRAD_DEBUG = "0";
      assert.equal(debugRequested(["train"]), false);
    } finally {
      if (saved === undefined) delete process.env.TENSORGRAD_DEBUG;
      else process.env.TENSORGRAD_DEBUG = saved;
    }
  });
});
