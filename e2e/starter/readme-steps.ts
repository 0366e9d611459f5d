// The storefront integration steps exactly as README.md gives them to a developer: the starter tier runs these, so
// the README and the test cannot drift apart. Markers in README.md: `<!-- starter:steps -->` before a ```bash block
// (commands run in the storefront's folder, with DINTERO_REPO set) and `<!-- starter:env -->` before a ```dotenv
// block (the .env.local variables; the tier fills in its own values and checks it knows every name).
import { readFileSync } from "node:fs"
import path from "node:path"

export const README = path.resolve(__dirname, "..", "..", "README.md")

function blockAfter(marker: string, lang: string, text: string): string {
  const at = text.indexOf(marker)
  if (at < 0) throw new Error(`README.md has no ${marker} marker`)
  const fence = "```" + lang + "\n"
  const start = text.indexOf(fence, at)
  if (start < 0) throw new Error(`README.md has no \`\`\`${lang} block after ${marker}`)
  const end = text.indexOf("\n```", start + fence.length)
  return text.slice(start + fence.length, end)
}

export interface StarterSteps {
  /** Shell commands, comments and blank lines removed, in order. */
  commands: string[]
  /** The .env.local variable names the README sets. */
  envNames: string[]
}

export function readStarterSteps(readme = readFileSync(README, "utf8")): StarterSteps {
  const commands = blockAfter("<!-- starter:steps -->", "bash", readme)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
  const envNames = blockAfter("<!-- starter:env -->", "dotenv", readme)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("=")[0])
  return { commands, envNames }
}
