// graphql-js loads schema.graphql as it is, and the example operations validate against it.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate } from "graphql";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const schema = buildSchema(readFileSync(here("../../schema.graphql"), "utf8"));

let failed = false;
for (const name of readdirSync(here("operations")).filter((n) => n.endsWith(".graphql"))) {
  const errors = validate(schema, parse(readFileSync(here(`operations/${name}`), "utf8")));
  for (const error of errors) console.error(`operations/${name}: ${error.message}`);
  failed ||= errors.length > 0;
}

const scalars = ["Decimal", "DateTime", "Date"].map((n) => [n, schema.getType(n)?.specifiedByURL]);
console.log(JSON.stringify({ types: Object.keys(schema.getTypeMap()).length, specifiedBy: Object.fromEntries(scalars) }));
process.exit(failed ? 1 : 0);
