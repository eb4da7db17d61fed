// Package colours of one page. Colours go by rank, not by a hash of the name:
// the packages with the biggest share of the samples get the most distinct
// colours of a colour-blind-safe palette, so two big packages never share or
// nearly share one. A package keeps its colour for the life of the page (every
// zoom, and every later tree of the app page); packages new to a later tree
// take the next colours left.

// Paul Tol's "light" scheme (made for fills under dark text) first, then the
// Okabe-Ito colours: both distinguishable with the common colour-vision
// deficiencies. Grey is left out: it is the chart's "other" and root fill.
const PALETTE = [
  "#77AADD", "#EE8866", "#44BB99", "#EEDD88", "#FFAABB", "#BBCC33", "#99DDFF", "#AAAA00",
  "#CC79A7", "#56B4E9", "#E69F00", "#009E73", "#F0E442", "#D55E00", "#0072B2",
];

const assigned = new Map();   // package -> colour, for this page
const packages = new Map();   // file -> package: a tree has far fewer files than nodes

/** The package of a file, for colours and the legend: the distribution under
 * site-packages/dist-packages ("django"), "stdlib" for the interpreter's own
 * library (lib/python3.11/..., <frozen ...>), else the file's folder. */
export function packageOf(file) {
  let pkg = packages.get(file);
  if (pkg === undefined) packages.set(file, (pkg = packageOfPath(file)));
  return pkg;
}

function packageOfPath(file) {
  if (!file) return "(none)";
  if (file.startsWith("<frozen")) return "stdlib";
  const parts = file.replace(/\\/g, "/").split("/").filter(Boolean);
  const site = Math.max(parts.lastIndexOf("site-packages"), parts.lastIndexOf("dist-packages"));
  if (site >= 0 && parts.length > site + 1) return parts[site + 1].replace(/\.(py|pyc|so)$/, "");
  // .../lib/python3.11/threading.py (pypy3.10 likewise); Windows: ...\Lib\threading.py.
  const lib = parts.findIndex((p, i) => i > 0 && /^(python|pypy)\d+\.\d+$/.test(p) && /^lib(64)?$/i.test(parts[i - 1]));
  const winLib = parts.indexOf("Lib");
  if ((lib >= 0 && lib < parts.length - 1) || (winLib >= 0 && winLib < parts.length - 1)) return "stdlib";
  return parts.length > 1 ? parts[parts.length - 2] : parts[0];
}

/** Self samples per package of a hierarchy, biggest first: [[package, self]]. */
export function packageShares(root) {
  // Summed per frame first (an array by frame id: a Map per node cost a
  // third of the first picture at 100k nodes), then per package.
  const byFrame = [], byFile = new Map();
  root.each((n) => {
    if (!n.depth) return;
    const f = n.data.frame, slot = Number.isInteger(f) && f >= 0;
    let a = slot ? byFrame[f] : byFile.get(n.data.file);
    if (!a) {
      a = { file: n.data.file, self: 0, value: 0 };
      if (slot) byFrame[f] = a; else byFile.set(n.data.file, a);
    }
    a.self += n.data.self;
    a.value += n.value;
  });
  const self = new Map(), under = new Map();
  for (const a of [...byFrame.filter(Boolean), ...byFile.values()]) {
    const pkg = packageOf(a.file);
    self.set(pkg, (self.get(pkg) || 0) + a.self);
    under.set(pkg, (under.get(pkg) || 0) + a.value);
  }
  // Ties (packages with no self time, only callers) go by the samples under them.
  return [...self].sort((a, b) => b[1] - a[1] || under.get(b[0]) - under.get(a[0]) || (a[0] < b[0] ? -1 : 1));
}

/** Gives the packages of `root` that have no colour yet the next free
 * colours, biggest share first. Call before drawing a new tree. */
export function rankPackages(root) {
  for (const [pkg] of packageShares(root)) {
    if (!assigned.has(pkg)) assigned.set(pkg, PALETTE[assigned.size % PALETTE.length]);
  }
}

/** The colour of a package on this page. */
export function colourOf(pkg) {
  if (!assigned.has(pkg)) assigned.set(pkg, PALETTE[assigned.size % PALETTE.length]);
  return assigned.get(pkg);
}
