// Where a profile opens: the deepest node that still holds (nearly) all the
// samples, so the first rings show where the tree branches instead of a
// single chain of callers. No DOM here.

export const BRANCH_SHARE = 0.95;

/** The deepest node of a d3 hierarchy (children biggest first) whose total is
 * at least `share` of the root's, stopping above a leaf (a leaf alone in the
 * middle of the chart says less than its caller with it). */
export function branchPoint(root, share = BRANCH_SHARE) {
  const need = share * root.value;
  let node = root;
  while (node.children && node.children[0].value >= need && node.children[0].children) node = node.children[0];
  return node;
}
