/**
 * `tensorgrad playground`: serves the browser pages (dist/playground, built by `npm run build:playground`: the
 * playground at / and the Teachable Machine page at /teach.html) on localhost with the headers that turn on
 * cross-origin isolation (COOP/COEP), and prints the URL. Text files (HTML, JavaScript, CSS, JSON, source maps, SVG,
 * WebAssembly) go gzip-compressed to clients whose Accept-Encoding allows it. `tensorgrad teach` (teach.ts) is the
 * same server, printing the teach page's URL.
 */
import { existsSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { helpText, parseFlags, UsageError } from "./args.js";

const SPECS = {
  port: { type: "number", description: "Port to listen on (0 picks a free one)", default: 8080 },
  host: { type: "string", description: "Address to listen on", default: "127.0.0.1" },
  dir: { type: "string", description: "Folder to serve (default: the package's dist/playground)" },
} as const;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".csv": "text/csv; charset=utf-8",
};

/** The headers every response carries: cross-origin isolation on, nothing cached stale, no sniffing. */
export const ISOLATION_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

/** The file types sent gzip-compressed when the client accepts it (text and WebAssembly; images are compressed already). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".map", ".json", ".svg", ".csv", ".wasm"]);
/** Files smaller than this go as they are (compression gains nothing); larger than the cap are not compressed. */
const GZIP_MIN_BYTES = 1024;
const GZIP_MAX_BYTES = 32 * 1024 * 1024;
/** The compressed copies kept in memory, at most this many bytes in all. */
const GZIP_CACHE_BYTES = 64 * 1024 * 1024;

const gzip = promisify(gzipCallback);

/**
 * Whether an Accept-Encoding header allows gzip: `gzip` (or `x-gzip`) with a q-value above 0, or `*` above 0 where
 * gzip isn't listed. `gzip;q=0` refuses it. A missing or malformed header means no.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(",") : header;
  if (text.length > 1000) return false;
  let gzipQ: number | null = null;
  let starQ: number | null = null;
  for (const part of text.split(",")) {
    const [name, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      const m = /^q=([01](\.\d{0,3})?)$/.exec(p.replace(/\s+/g, ""));
      if (p.startsWith("q=")) q = m ? Number(m[1]) : 0;
    }
    if (name === "gzip" || name === "x-gzip") gzipQ = Math.max(gzipQ ?? 0, q);
    else if (name === "*") starQ = q;
  }
  return gzipQ !== null ? gzipQ > 0 : starQ !== null && starQ > 0;
}

/** The compressed copies of served files, by real path; a changed file (size or modification time) is compressed again. */
class GzipCache {
  private readonly entries = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();
  private bytes = 0;

  async get(path: string, raw: Buffer, mtimeMs: number): Promise<Buffer> {
    const hit = this.entries.get(path);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === raw.length) return hit.body;
    const body = await gzip(raw, { level: 6 });
    if (hit) {
      this.bytes -= hit.body.length;
      this.entries.delete(path);
    }
    // Oldest first out until the new copy fits.
    for (const [key, e] of this.entries) {
      if (this.bytes + body.length <= GZIP_CACHE_BYTES) break;
      this.bytes -= e.body.length;
      this.entries.delete(key);
    }
    if (body.length <= GZIP_CACHE_BYTES) {
      this.entries.set(path, { mtimeMs, size: raw.length, body });
      this.bytes += body.length;
    }
    return body;
  }
}

/** The built playground: dist/playground next to this file's package (works from src/ and from dist/). */
export function defaultPlaygroundDir(): string {
  return fileURLToPath(new URL("../../dist/playground", import.meta.url));
}

/** Whether `host` is a name or address `--host` may take (no spaces, no punctuation beyond a hostname's). */
export function validHost(host: string): boolean {
  return (
    isIP(host) !== 0 ||
    (host.length <= 253 && /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host))
  );
}

/**
 * Whether a request's Host header names this server: localhost names and IP addresses always, other names only when
 * `--host` gave that name. A page of another site whose DNS name was rebound to 127.0.0.1 sends its own name: refused.
 */
export function hostAllowed(header: string | undefined, listenHost: string): boolean {
  if (header === undefined) return false;
  const name = (header.startsWith("[") ? header.slice(1, header.indexOf("]")) : header.replace(/:\d+$/, "")).toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost") || isIP(name) !== 0) return true;
  return name === listenHost.toLowerCase();
}

/** Starts the static server; resolves once it listens. */
export async function servePlayground(
  options: { dir?: string; port?: number; host?: string; page?: string } = {},
): Promise<{ server: Server; url: string }> {
  const dir = resolve(options.dir ?? defaultPlaygroundDir());
  const page = options.page ?? "index.html";
  if (!existsSync(join(dir, page))) {
    throw new UsageError(`no ${page} in the playground build in ${dir}: run "npm run build:playground" first`);
  }
  // Files are served only from inside the folder's real path: a symbolic link out of it is not followed.
  const root = await realpath(dir);
  const host = options.host ?? "127.0.0.1";
  const compressed = new GzipCache();
  const server = createServer(async (req, res) => {
    const headers = { ...ISOLATION_HEADERS };
    if (!hostAllowed(req.headers.host, host)) {
      res.writeHead(421, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end("unknown host name");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, Allow: "GET, HEAD" }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      res.writeHead(400, headers).end("bad request");
      return;
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(dir, path));
    if (!file.startsWith(normalize(dir) + sep)) {
      res.writeHead(403, headers).end("forbidden");
      return;
    }
    try {
      const real = await realpath(file);
      if (!real.startsWith(root + sep)) {
        res.writeHead(403, headers).end("forbidden");
        return;
      }
      const info = await stat(real);
      if (!info.isFile()) throw new Error("not a file");
      let body: Buffer = await readFile(real);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      const extra: Record<string, string> = {};
      if (COMPRESSIBLE.has(extname(file).toLowerCase())) {
        extra.Vary = "Accept-Encoding";
        if (body.length >= GZIP_MIN_BYTES && body.length <= GZIP_MAX_BYTES && acceptsGzip(req.headers["accept-encoding"])) {
          body = await compressed.get(real, body, info.mtimeMs);
          extra["Content-Encoding"] = "gzip";
        }
      }
      res.writeHead(200, { ...headers, ...extra, "Content-Type": type, "Content-Length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end("not found");
    }
  });
  await new Promise<void>((done, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return { server, url: `http://${shown}:${port}/` };
}

/** The command: serves until interrupted (Ctrl-C). */
export async function playgroundCommand(argv: readonly string[]): Promise<void> {
  await serveCommand(argv, {
    command: "playground",
    summary: "Serve the browser playground on localhost: train networks and watch them learn.",
    page: "",
  });
}

/**
 * A command that serves the build and prints the URL of one of its pages (`page`: "" for the playground at /,
 * "teach.html" for the Teachable Machine page); serves until interrupted.
 */
export async function serveCommand(argv: readonly string[], what: { command: string; summary: string; page: string }): Promise<void> {
  if (argv.includes("--help")) {
    console.log(helpText(`tensorgrad ${what.command} [options]`, what.summary, SPECS));
    return;
  }
  const flags = parseFlags(argv, SPECS);
  const port = flags.port as number;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${port}`);
  const host = flags.host as string;
  if (!validHost(host)) throw new UsageError(`--host must be an IP address or a host name such as localhost, got ${JSON.stringify(host)}`);
  let served: { server: Server; url: string };
  try {
    served = await servePlayground({ port, host, dir: flags.dir as string | undefined, page: what.page || "index.html" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${port} is in use: pick another with --port, or --port 0 for a free one`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN")
      throw new UsageError(
        `--host ${host} is not an address of this machine: use 127.0.0.1 (the default), localhost, or 0.0.0.0 for every interface`,
      );
    throw e;
  }
  console.log(`tensorgrad ${what.command}: ${served.url}${what.page}  (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => served.server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
