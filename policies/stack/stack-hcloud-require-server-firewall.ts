import * as hcloud from "@pulumi/hcloud";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { hetznerSelectorMatches } from "../lib/k8s";
import { whenKnown } from "../lib/props";
import { describe, ofType, refersTo } from "../lib/stack";

function sameId(a: unknown, server: PolicyResource): boolean {
  return a !== undefined && server.props.id !== undefined && String(a) === String(server.props.id);
}

export const stackHcloudRequireServerFirewall: StackValidationPolicy = {
  name: "stack-hcloud-require-server-firewall",
  description:
    "Self-hosted deployment §2.1 (ufw default deny incoming on every server): every Hetzner Cloud server sits behind a firewall, through firewallIds, a firewall attachment or a firewall's apply_to server or label selector.",
  validateStack: (args, report) => {
    const firewalls = ofType(args.resources, hcloud.Firewall);
    const attachments = ofType(args.resources, hcloud.FirewallAttachment);
    for (const server of ofType(args.resources, hcloud.Server)) {
      // Both are computed outputs, unknown in preview when the program gave none.
      const labels: Record<string, string> = whenKnown(() => ({ ...server.props.labels }), {});
      const covered =
        whenKnown(() => (server.props.firewallIds ?? []).length > 0, false) ||
        attachments.some(
          (a) =>
            refersTo(a, "serverIds", server) ||
            (a.props.labelSelectors ?? []).some((s: string) => hetznerSelectorMatches(s, labels)),
        ) ||
        firewalls.some(
          (f) =>
            (f.propertyDependencies?.applyTos ?? []).some((d) => d.urn === server.urn) ||
            (f.props.applyTos ?? []).some(
              (t: { server?: number; labelSelector?: string }) =>
                sameId(t.server, server) ||
                (!!t.labelSelector && hetznerSelectorMatches(t.labelSelector, labels)),
            ),
        );
      if (!covered)
        report(`${describe(server)} is not behind any Hetzner Cloud firewall.`, server.urn);
    }
  },
};
