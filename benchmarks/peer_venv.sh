#!/usr/bin/env bash
# .venv-bench: the test environment plus the reporting peers (requirements/bench-peers.txt), for
# benchmarks/bench_receivers.py. Apart from .venv because openedx-webhooks, once installed, is
# connected by edx-django-utils' plugin framework in every Django process, tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
python=""
for candidate in python3.12 "$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12"; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || { echo "Python 3.12 is needed (pyenv install 3.12)" >&2; exit 2; }
if [ ! -x .venv-bench/bin/python ]; then
  "$python" -m venv .venv-bench
  .venv-bench/bin/python -m pip install --quiet --upgrade pip
  .venv-bench/bin/python -m pip install --quiet -r requirements/test.txt -r requirements/bench-peers.txt \
    -r requirements/mariadb.txt -e .
fi
echo ".venv-bench is ready"
