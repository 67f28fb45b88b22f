#!/usr/bin/env bash
# A throwaway MariaDB server for the tests that need a real database server (concurrency).
#   tools/mariadb.sh start DIR PORT   initialise DIR (once) and start the server on 127.0.0.1:PORT
#   tools/mariadb.sh stop DIR         stop it
# The socket is DIR/mysqld.sock; root has no password; the database "skillslab" exists.
set -euo pipefail
action=$1
dir=$(realpath -m "$2")
case "$action" in
  start)
    port=${3:-3307}
    mkdir -p "$dir"
    if [ ! -d "$dir/data/mysql" ]; then
      mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
        --skip-test-db $( [ "$(id -u)" = 0 ] && echo --user=root ) > "$dir/install.log" 2>&1
    fi
    mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" --port="$port" \
      --bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M --max-connections=200 --skip-log-bin \
      $( [ "$(id -u)" = 0 ] && echo --user=root ) &
    for _ in $(seq 1 60); do
      if mariadb --no-defaults -uroot --socket="$dir/mysqld.sock" -e "SELECT 1" >/dev/null 2>&1; then
        mariadb --no-defaults -uroot --socket="$dir/mysqld.sock" \
          -e "CREATE DATABASE IF NOT EXISTS skillslab CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        exit 0
      fi
      sleep 0.5
    done
    echo "MariaDB did not start; see $dir/error.log" >&2
    cat "$dir/error.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$dir/mysqld.pid" ]; then
      kill "$(cat "$dir/mysqld.pid")" 2>/dev/null || true
      for _ in $(seq 1 60); do [ -f "$dir/mysqld.pid" ] || break; sleep 0.5; done
    fi
    ;;
  *) echo "usage: tools/mariadb.sh start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
