// spdx-satisfies ships no types. satisfies(expression, approved): whether the expression is
// satisfied by licences from the approved list (simple ids, ranges like GPL-2.0+, or WITH exceptions).
declare module "spdx-satisfies" {
  function satisfies(expression: string, approved: string[]): boolean;
  export default satisfies;
}
