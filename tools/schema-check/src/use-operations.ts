// Type-checked with `tsc --strict --noEmit`: what a frontend writes against the generated
// types. It fails to compile if a scalar comes out as `any` or `unknown` instead of `string`.
import type { NodeByIdQuery, StockQuery, StockQueryVariables } from "../generated/graphql";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
  ? true
  : false;

type Vehicle = StockQuery["vehicles"]["nodes"][number];

// Each assertion is a compile error unless the type is exactly what docs/codegen.md says.
export const decimalIsString: Equals<Vehicle["askingPrice"], string | null> = true;
export const bookValueIsString: Equals<Vehicle["bookValues"][number]["amount"], string> = true;
export const dateIsString: Equals<Vehicle["acquiredOn"], string | null> = true;
export const dateTimeIsString: Equals<Vehicle["updatedAt"], string | null> = true;
export const totalCountIsNumber: Equals<StockQuery["vehicles"]["totalCount"], number | null> =
  true;

/** Money for display: parse the decimal string; never call number methods on it directly. */
export function priceLabel(vehicle: Vehicle): string {
  if (vehicle.askingPrice === null) return "Call for price";
  const [whole, cents = "00"] = vehicle.askingPrice.split(".");
  return `$${Number(whole).toLocaleString("en-US")}.${cents.padEnd(2, "0").slice(0, 2)}`;
}

export function nextPage(page: StockQuery): StockQueryVariables | null {
  const { hasNextPage, endCursor } = page.vehicles.pageInfo;
  return hasNextPage ? { first: page.vehicles.nodes.length, after: endCursor } : null;
}

export function describe(result: NodeByIdQuery): string {
  const node = result.node;
  if (node === null) return "not found";
  if (node.__typename === "InventoryVehicle") {
    return `${node.vin ?? "no VIN"}: ${node.askingPrice ?? "no price"}`;
  }
  return `${node.__typename} ${node.id}`;
}
