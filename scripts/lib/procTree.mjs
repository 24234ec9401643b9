// Stop a process and every descendant. Dev servers (langgraph, code-server) fork watchers that
// outlive their parent if only the first pid is killed.
import { execFileSync } from 'node:child_process';

function childrenOf(pid) {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    return out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** All descendants of pid, deepest first. */
export function descendants(pid) {
  const out = [];
  for (const c of childrenOf(pid)) {
    out.push(...descendants(c), c);
  }
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the tree (children first), wait up to graceMs, then SIGKILL what is left. */
export async function killTree(pid, { graceMs = 5000 } = {}) {
  if (!pid) return;
  const pids = [...descendants(pid), pid];
  for (const p of pids) {
    try { process.kill(p, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  for (const p of pids) {
    if (alive(p)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  }
}
