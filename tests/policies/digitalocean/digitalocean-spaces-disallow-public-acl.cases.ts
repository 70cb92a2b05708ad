import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanSpacesDisallowPublicAcl } from "../../../policies/digitalocean/digitalocean-spaces-disallow-public-acl";
import { describeResourcePolicy } from "../harness";
import { spacesBucket } from "../fixtures";

describeResourcePolicy(digitaloceanSpacesDisallowPublicAcl, [
  {
    type: digitalocean.SpacesBucket,
    props: spacesBucket(),
    cases: [
      { rule: "a public-read bucket", set: ["acl", "public-read"], expect: /acl is public-read/ },
    ],
    passes: [{ rule: "the ACL is left to the private default", set: ["acl", undefined] }],
  },
]);
