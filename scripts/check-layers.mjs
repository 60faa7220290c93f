#!/usr/bin/env node
// Fails when an import in src/ points the wrong way or closes a cycle (README "Architecture").
// Layers, lowest first; a folder may import folders of its own layer or below, never above, and the
// folder graph as a whole (and the file graph) must have no cycle. Files directly in src/ (app.ts,
// index.ts, job-registry.ts) compose everything and may import anything.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const LAYERS = [
  ["platform", "crypto", "db", "outbound", "jobs", "audit", "health"],
  ["auth", "admin"],
  ["connections"],
  ["oauth-client", "mcp-client", "paragon", "oauth-server"],
  ["proxy"],
  ["workflows", "executions", "internal", "agents"],
  ["mcp", "api-docs"],
];

const src = resolve(fileURLToPath(new URL("../src", import.meta.url)));
const rank = new Map(LAYERS.flatMap((folders, index) => folders.map((folder) => [folder, index])));

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function resolveImport(file, specifier) {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

const folderOf = (file) => {
  const parts = relative(src, file).split(/[\\/]/);
  return parts.length > 1 ? parts[0] : null;
};

const problems = [];
const fileEdges = new Map();
const folderEdges = new Map();
for (const file of sourceFiles(src)) {
  const text = readFileSync(file, "utf8");
  const targets = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = resolveImport(file, match[1] ?? match[2]);
    if (!target?.startsWith(src)) continue;
    targets.push(target);
    const from = folderOf(file);
    const to = folderOf(target);
    if (!from || !to || from === to) continue;
    if (!rank.has(from))
      problems.push(`${relative(src, file)}: folder "${from}" has no layer in scripts/check-layers.mjs`);
    if (!rank.has(to)) continue;
    if ((rank.get(to) ?? 0) > (rank.get(from) ?? 0))
      problems.push(
        `${relative(src, file)} imports ${relative(src, target)}: "${from}" may not depend on "${to}" (a higher layer)`,
      );
    if (!folderEdges.has(from)) folderEdges.set(from, new Set());
    folderEdges.get(from).add(to);
  }
  fileEdges.set(file, targets);
}

function findCycle(edges) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

const folderCycle = findCycle(folderEdges);
if (folderCycle) problems.push(`folder cycle: ${folderCycle.join(" → ")}`);
const fileCycle = findCycle(fileEdges);
if (fileCycle) problems.push(`file cycle: ${fileCycle.map((file) => relative(src, file)).join(" → ")}`);

if (problems.length > 0) {
  console.error(`Import layering violated (${problems.length}):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`Import layering holds: ${fileEdges.size} files, ${folderEdges.size} folders, no upward import, no cycle.`);
