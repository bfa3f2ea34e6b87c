// Builds survey_app/static/dist from the pinned npm packages: compiled CSS and the GOV.UK
// Frontend script. Run by `make install` (npm run build); the output is not committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const govuk = join(here, "..", "..", "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(dist, { recursive: true });

const css = sass.compile(join(here, "src", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
await import("node:fs").then((fs) => fs.writeFileSync(join(dist, "app.css"), css.css));
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
copyFileSync(join(here, "src", "init.mjs"), join(dist, "init.mjs"));
console.log(`built ${dist}`);
