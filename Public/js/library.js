// Which frames are library code (the standard library and installed
// packages), and the package each belongs to. No DOM here.
//
// A frame is library code when its file is
// - under `site-packages` or `dist-packages` (package: the folder or module
//   right after it, `django` for `.../site-packages/django/core/base.py`);
// - under the interpreter's standard library: `.../lib/pythonX.Y/...`
//   (`lib64` too) or a Windows install's `...\Lib\...` (package: the top
//   module, `concurrent` for `concurrent/futures/thread.py`);
// - frozen standard library code, `<frozen importlib._bootstrap>` (package:
//   the top module, `importlib`).
// `<string>`, `<stdin>`, an empty file (the root, `(idle)`) and every other
// path are your code. Packages named in `mine` ("these packages are mine
// too": the tree JSON's `my_packages` and the URL's `mine=`) are your code.

const STDLIB = /\/lib(?:64)?\/python\d+(?:\.\d+)*[a-z]?\/(.+)$/;
const WINDOWS_STDLIB = /(?:^|\/)Lib\/(.+)$/;
const SITE = /\/(?:site|dist)-packages\/(.+)$/;

function topModule(rest) {
  const first = rest.split("/")[0];
  return first.endsWith(".py") ? first.slice(0, -3) : first;
}

/** The library package of a file, or null when the file is not library code. */
export function libraryPackage(file) {
  if (!file) return null;
  if (file.startsWith("<frozen ")) return file.slice(8, -1).split(".")[0] || null;
  if (file.startsWith("<")) return null;
  const path = file.replace(/\\/g, "/");
  let m = SITE.exec(path);
  if (m) return topModule(m[1]);
  m = STDLIB.exec(path) || WINDOWS_STDLIB.exec(path);
  return m ? topModule(m[1]) : null;
}

/** `isLibrary(node)` for nodes with a `file`, memoised per file, with the
 * packages in `mine` counted as your code. */
export function libraryRule(mine = []) {
  const own = new Set(mine);
  const seen = new Map();
  const packageOf = (file) => {
    let pkg = seen.get(file);
    if (pkg === undefined) {
      pkg = libraryPackage(file);
      if (pkg !== null && own.has(pkg)) pkg = null;
      seen.set(file, pkg);
    }
    return pkg;
  };
  return { isLibrary: (node) => packageOf(node.file) !== null, packageOf };
}
