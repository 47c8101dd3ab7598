// graphql-codegen configuration for a TypeScript client of dealergraph.
// See docs/codegen.md: every custom scalar travels as a JSON string, so each maps to `string`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  // The checked-in SDL; a client project can point at its copy, or at the running API
  // (`http://127.0.0.1:8080/graphql` with an Authorization header).
  schema: "../../schema.graphql",
  documents: ["operations/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Fail on a scalar nobody mapped, instead of typing it `unknown`/`any`.
        strictScalars: true,
        scalars: {
          Decimal: "string", // "52995.00": a decimal string, never a float
          DateTime: "string", // RFC 3339 date-time with offset: "2024-05-01T14:30:00+00:00"
          Date: "string", // RFC 3339 full-date: "2024-05-01"
          // Federation's own scalars; a client never sends or reads them.
          _Any: "unknown",
          link__Import: "string",
          federation__FieldSet: "string",
        },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;
