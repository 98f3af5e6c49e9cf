/** Node's `process` where tensorgrad runs in Node (20.16+, with getBuiltinModule), else null (browsers, other engines). */

export interface NodeProcess {
  versions: { node: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule(name: string): unknown;
}

export function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: Partial<NodeProcess> }).process;
  return p?.versions?.node && typeof p.getBuiltinModule === "function" ? (p as NodeProcess) : null;
}
