import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanSpacesRequireVersioning } from "../../../policies/digitalocean/digitalocean-spaces-require-versioning";
import { describeResourcePolicy } from "../harness";
import { spacesBucket } from "../fixtures";

describeResourcePolicy(digitaloceanSpacesRequireVersioning, [
  {
    type: digitalocean.SpacesBucket,
    props: spacesBucket(),
    cases: [
      {
        rule: "versioning disabled",
        set: ["versioning.enabled", false],
        expect: /versioning is not enabled/,
      },
      {
        rule: "versioning left out",
        set: ["versioning", undefined],
        expect: /versioning is not enabled/,
      },
    ],
  },
]);
