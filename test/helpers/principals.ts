// Principals for tests that call services directly (the API derives them from tokens).
import { tokenPrincipal, type Principal, type Scope } from "../../src/lib/principal.js";

/** A token principal named `name` (its id too), with `scopes`. */
export function testPrincipal(name: string, scopes: Scope[] = ["write"]): Principal {
  return tokenPrincipal({ id: name, name, scopes });
}
