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
  {
    type: digitalocean.SpacesBucketObject,
    props: { bucket: "media", region: "fra1", key: "logo.png", content: "x", acl: "private" },
    cases: [
      {
        rule: "an object uploaded public-read",
        set: ["acl", "public-read"],
        expect: /object acl is public-read/,
      },
    ],
  },
]);
