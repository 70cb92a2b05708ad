import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { fromAwsResource, isPublicWebRule } from "../lib/ingress";
import { whenKnown } from "../lib/props";
import { describe, ofType, refersTo } from "../lib/stack";

/** The tag that places a security group in the DMZ tier of self-hosted deployment §1.2. */
export const TIER_TAG = "tier";

function isDmz(group: PolicyResource): boolean {
  return whenKnown(
    () => (group.props.tags ?? group.props.tagsAll ?? {})[TIER_TAG] === "dmz",
    false,
  );
}

export const stackEc2LimitWebIngress: StackValidationPolicy = {
  name: "stack-ec2-limit-web-ingress",
  description:
    "Self-hosted deployment §1.2 (the internet reaches only the DMZ: WAF and load balancer): security groups that open 80 or 443 to the internet, inline or through standalone rules, carry the tag tier=dmz.",
  validateStack: (args, report) => {
    const groups = ofType(args.resources, aws.ec2.SecurityGroup);
    const openers = ofType(
      args.resources,
      aws.ec2.SecurityGroup,
      aws.ec2.SecurityGroupRule,
      aws.vpc.SecurityGroupIngressRule,
    ).filter((r) => whenKnown(() => fromAwsResource(r), []).some(isPublicWebRule));
    for (const r of openers) {
      // A standalone rule is judged by the group it attaches to, which must be in this stack.
      const group = groups.includes(r) ? r : groups.find((g) => refersTo(r, "securityGroupId", g));
      const where =
        group === r ? "" : ` on ${group ? describe(group) : "a group outside this stack"}`;
      if (!group || !isDmz(group)) {
        report(
          `${describe(r)} opens 80/443 to the internet${where}, not tagged ${TIER_TAG}=dmz.`,
          r.urn,
        );
      }
    }
  },
};
