import type { ClusterState } from "./cluster-state";
import type { Failure, FailureCode, Pod } from "./filters";

export const cores = (milli: number) => Math.round(milli / 10) / 100;
export const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;

/**
 * Why no node takes a pod, pool by pool: pools it does not select or whose taints it does not
 * tolerate are named only when no pool is left; for the others, each rule that stopped it.
 */
export function describe(pod: Pod, failures: [number, Failure][], state: ClusterState): string {
  const nodes = state.nodes;
  const open = failures.filter(([, f]) => f.code !== "selector" && f.code !== "taint");
  if (failures.length === 0) return "the cluster has no nodes";
  if (open.length === 0) {
    const tainted = failures.filter(([, f]) => f.code === "taint");
    if (tainted.length === 0) {
      const sel = Object.entries(pod.shape.nodeSelector).map(([k, v]) => `${k}=${v}`);
      return `no node matches its ${sel.length ? `node selector ${sel.join(",")}` : "required node affinity"}`;
    }
    const byPool = new Map<string, string>();
    for (const [n, f] of tainted) byPool.set(nodes[n].pool, f.detail);
    return `no pool tolerates its taints: ${[...byPool].map(([p, t]) => `pool ${p} has ${t}`).join("; ")}`;
  }
  const pools = new Map<string, [number, Failure][]>();
  for (const entry of open) {
    const pool = nodes[entry[0]].pool;
    pools.set(pool, [...(pools.get(pool) ?? []), entry]);
  }
  const parts: string[] = [];
  const count = (k: number) => `${k} node${k === 1 ? "" : "s"}`;
  for (const [pool, entries] of pools) {
    const byCode = new Map<FailureCode, Failure[]>();
    for (const [, f] of entries) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    for (const [code, fs] of byCode) {
      const [key, extra] = fs[0].detail.split("|");
      if (code === "anti-affinity")
        parts.push(
          `required anti-affinity (${key}): ${count(fs.length)} in pool ${pool}, ${fs.length === 1 ? "already running" : "each already running"} a matching pod (${extra})`,
        );
      else if (code === "affinity")
        parts.push(
          `required pod affinity (${key}): ${extra} near ${count(fs.length)} in pool ${pool}`,
        );
      else if (code === "spread")
        parts.push(
          extra === "missing label"
            ? `topology spread: ${count(fs.length)} in pool ${pool} without the ${key} label`
            : `topology spread (${key}, maxSkew ${extra}): ${count(fs.length)} in pool ${pool}`,
        );
      else if (code === "cpu") {
        const free = Math.max(...fs.map((f) => f.free ?? 0));
        parts.push(
          `insufficient cpu: needs ${cores(pod.shape.requests.milliCpu)}, largest free ${cores(free)} in pool ${pool}`,
        );
      } else if (code === "memory") {
        const free = Math.max(...fs.map((f) => f.free ?? 0));
        parts.push(
          `insufficient memory: needs ${gib(pod.shape.requests.memoryBytes)} GiB, largest free ${gib(free)} GiB in pool ${pool}`,
        );
      }
    }
  }
  return parts.join("; ");
}
