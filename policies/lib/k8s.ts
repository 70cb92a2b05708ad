import type { LabelSelector } from "./workloads";

/** Minimal shape of any Kubernetes object's props. */
export interface KubeObject<TSpec = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: TSpec;
}

/** The object's namespace; unset means the provider's default namespace. */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace ?? "default";
}

/** The object's Kubernetes name, falling back to the Pulumi name before auto-naming runs. */
export function kubeNameOf(obj: KubeObject, fallback: string): string {
  return obj.metadata?.name ?? fallback;
}

/** Kubernetes label-selector semantics: every matchLabels pair and every expression must hold. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  const pairs = Object.entries(selector.matchLabels ?? {});
  if (!pairs.every(([k, v]) => labels[k] === v)) return false;
  return (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}

/** True when the selector selects every pod: no labels and no expressions. */
export function selectsAll(selector: LabelSelector | undefined): boolean {
  return (
    !!selector &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/**
 * Hetzner Cloud label selectors ("role=db,env!=dev,backup,!legacy"), which follow the Kubernetes
 * set-based syntax for the equality and existence forms.
 */
export function hetznerSelectorMatches(selector: string, labels: Record<string, string>): boolean {
  const terms = selector
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  return (
    terms.length > 0 &&
    terms.every((t) => {
      const m = /^(!)?([^=!\s]+)\s*(?:(==|=|!=)\s*(\S+))?$/.exec(t);
      if (!m) return false;
      const [, not, key, op, value] = m;
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      if (not) return !has && !op;
      if (!op) return has;
      return op === "!=" ? labels[key] !== value : labels[key] === value;
    })
  );
}
