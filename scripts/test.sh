#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): typecheck + lint, unit, browser, kernel.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
# The kernel lab loads Calico's ipsets and kube-proxy's nfacct counters, and reads conntrack.
command -v ipset >/dev/null 2>&1 || missing+=(ipset)
command -v nfacct >/dev/null 2>&1 || missing+=(nfacct)
command -v conntrack >/dev/null 2>&1 || missing+=(conntrack)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fonts-dejavu-core >/dev/null
  else
    echo "Missing: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== check (typecheck + lint)"
npm run --silent check
echo "== unit"
npx vitest run
echo "== build"
npx vite build --logLevel warn
echo "== browser"
npx playwright test
echo "== kernel"
if [ "$(id -u)" = 0 ] && ip netns add pw-probe-$$ 2>/dev/null; then
  ip netns del pw-probe-$$
  npx vitest run -c vitest.kernel.config.ts
else
  reason="kernel tests need root and network namespaces (ip netns add failed or not root)"
  if [ "${CI:-}" = true ]; then echo "FAIL: $reason" >&2; exit 1; fi
  echo "SKIPPED: $reason"
fi
echo "== all tests passed"
