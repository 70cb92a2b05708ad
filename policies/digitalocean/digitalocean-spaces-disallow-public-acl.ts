import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const digitaloceanSpacesDisallowPublicAcl: ResourceValidationPolicy = {
  name: "digitalocean-spaces-disallow-public-acl",
  description:
    "Self-hosted deployment §2.2 (access control with least privilege) and Infrastructure recommendations, Storage Strategy: Spaces buckets and the objects the stack uploads keep the private ACL; media reaches users through the CDN or signed URLs.",
  validateResource: [
    validateResourceOfType(digitalocean.SpacesBucket, (bucket, _args, report) => {
      if (bucket.acl !== undefined && bucket.acl !== "private") {
        report(`acl is ${bucket.acl}; use private.`);
      }
    }),
    // An object the stack uploads public-read is served to anyone, past the CDN and signed URLs.
    validateResourceOfType(digitalocean.SpacesBucketObject, (object, _args, report) => {
      if (object.acl !== undefined && object.acl !== "private") {
        report(`object acl is ${object.acl}; use private.`);
      }
    }),
  ],
};
