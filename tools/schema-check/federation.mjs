// Federation check: dealergraph composes with a second Relay-style subgraph, and a query
// that needs both runs through @apollo/gateway.
//
//   node federation.mjs <dealergraph /graphql URL> <API key>
//
// Prints one JSON line {composition: {errors, hints}, result} and exits 0 only when the
// composition has no errors and the query returned data from both subgraphs without errors.
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const [ourUrl, apiKey] = process.argv.slice(2);
if (!ourUrl || !apiKey) {
  console.error("usage: node federation.mjs <dealergraph /graphql URL> <API key>");
  process.exit(2);
}

// The second subgraph: reviews of dealerships. Relay-style like dealergraph (its own Node,
// node/nodes, PageInfo), sharing a value type (Address, with the same fields: a value type
// has no key to fetch missing fields by) and extending the Dealership entity, which is a
// Node in both (shared node/nodes must have runtime types in common).
const reviewsTypeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  interface Node {
    id: ID!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Address @shareable {
    line1: String
    line2: String
    city: String
    region: String
    postalCode: String
    country: String
  }

  type Review implements Node @key(fields: "id") {
    id: ID!
    stars: Int!
    text: String!
    reviewerLocation: Address
    dealership: Dealership!
  }

  type ReviewEdge {
    cursor: String!
    node: Review!
  }

  type ReviewConnection {
    edges: [ReviewEdge!]!
    nodes: [Review!]!
    pageInfo: PageInfo!
    totalCount: Int
  }

  type Dealership implements Node @key(fields: "id") {
    id: ID!
    reviews(first: Int = 10, after: String): ReviewConnection!
  }

  type Query {
    node(id: ID!): Node @shareable
    nodes(ids: [ID!]!): [Node]! @shareable
  }
`);

const REVIEWS_PER_DEALERSHIP = 3;
const review = (dealershipId, index) => ({
  id: `Review:${index}:${dealershipId}`,
  stars: 3 + (index % 3),
  text: `Review ${index + 1}`,
  reviewerLocation: { line1: null, line2: null, city: "Springfield", region: "IL", postalCode: null, country: "US" },
  dealership: { id: dealershipId },
});
const reviewById = (id) => {
  const match = /^Review:(\d+):(.+)$/.exec(id);
  return match ? review(match[2], Number(match[1])) : null;
};

const reviewsResolvers = {
  Query: {
    node: (_, { id }) => reviewById(id),
    nodes: (_, { ids }) => ids.map(reviewById),
  },
  Node: { __resolveType: (node) => (node.id.startsWith("Review:") ? "Review" : "Dealership") },
  Review: { __resolveReference: ({ id }) => reviewById(id) },
  Dealership: {
    __resolveReference: ({ id }) => ({ id }),
    reviews: ({ id }, { first, after }) => {
      const start = after ? Number(after) + 1 : 0;
      const all = Array.from({ length: REVIEWS_PER_DEALERSHIP }, (_, i) => review(id, i));
      const page = all.slice(start, start + first);
      const edges = page.map((node, i) => ({ cursor: String(start + i), node }));
      return {
        edges,
        nodes: page,
        totalCount: all.length,
        pageInfo: {
          hasNextPage: start + page.length < all.length,
          hasPreviousPage: start > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },
};

async function ourSdl() {
  const response = await fetch(ourUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: "query ServiceSdl { _service { sdl } }", operationName: "ServiceSdl" }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error(`_service { sdl }: ${response.status} ${JSON.stringify(body)}`);
  return body.data._service.sdl;
}

const ENTITY_QUERY = `
  query DealershipReviews {
    dealerships {
      id
      name
      reviews(first: 2) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          stars
          reviewerLocation { city country }
          dealership { id name }
        }
      }
    }
  }
`;

const reviewsServer = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs: reviewsTypeDefs, resolvers: reviewsResolvers }),
});
const { url: reviewsUrl } = await startStandaloneServer(reviewsServer, {
  listen: { host: "127.0.0.1", port: 0 },
});

let gatewayServer;
let ok = false;
const report = {};
try {
  const composition = composeServices([
    { name: "dealergraph", url: ourUrl, typeDefs: parse(await ourSdl()) },
    { name: "reviews", url: reviewsUrl, typeDefs: reviewsTypeDefs },
  ]);
  report.composition = {
    errors: (composition.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message })),
    hints: (composition.hints ?? []).map((h) => ({ code: h.definition.code, message: h.message })),
  };
  if (!composition.errors) {
    const gateway = new ApolloGateway({
      supergraphSdl: composition.supergraphSdl,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          url,
          willSendRequest({ request }) {
            if (url === ourUrl) request.http?.headers.set("authorization", `Bearer ${apiKey}`);
          },
        }),
    });
    gatewayServer = new ApolloServer({ gateway });
    await gatewayServer.start();
    const response = await gatewayServer.executeOperation({
      query: ENTITY_QUERY,
      operationName: "DealershipReviews",
    });
    const result = response.body.kind === "single" ? response.body.singleResult : null;
    report.result = result;
    const dealerships = result?.data?.dealerships ?? [];
    ok =
      !result?.errors &&
      dealerships.length > 0 &&
      dealerships.every(
        (d) =>
          d.name && // from dealergraph
          d.reviews.nodes.length > 0 && // from the reviews subgraph
          d.reviews.nodes.every((r) => r.dealership.name === d.name), // back via _entities
      );
  }
} finally {
  await gatewayServer?.stop();
  await reviewsServer.stop();
}
console.log(JSON.stringify(report));
process.exit(ok ? 0 : 1);
