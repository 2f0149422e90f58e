// Builds Waymark's static assets from npm packages into waymark/static/build (not committed).
// Run by `make assets` (and so by `make run` and `make test`).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "waymark", "static", "build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  loadPaths: [root],
  quietDeps: true,
  logger: sass.Logger.silent,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), css.css);

const copies = [
  // GOV.UK and MOJ images share one assets folder, as MOJ Frontend expects.
  ["govuk-frontend/dist/govuk/assets", "assets"],
  ["@ministryofjustice/frontend/moj/assets", "assets"],
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["axe-core/axe.min.js", "axe/axe.min.js"],
];
for (const [from, to] of copies) {
  cpSync(join(modules, from), join(out, to), { recursive: true });
}
console.log(`built static assets in ${out}`);
