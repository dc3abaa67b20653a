#!/usr/bin/env bash
# The Patroni recipe in deploy/patroni/: patroni.yml parses as YAML, keeps every commit on
# a synchronous standby (synchronous_mode, synchronous_commit on), and the README gives
# barazad a multi-host string with target_session_attrs=read-write. Patroni itself is not
# run here. Skipped (77) only where python3-yaml is absent (deploy/test.sh installs it).
set -euo pipefail
dir="$1"
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "SKIP: python3-yaml is not installed (apt-get install python3-yaml)"
  exit 77
fi
python3 - "$dir/patroni.yml" <<'PY'
import sys, yaml
with open(sys.argv[1]) as f:
    c = yaml.safe_load(f)
dcs = c["bootstrap"]["dcs"]
assert dcs["synchronous_mode"] is True, "synchronous_mode must be true"
params = dcs["postgresql"]["parameters"]
assert str(params["synchronous_commit"]) == "on", "synchronous_commit must be on"
assert str(params["fsync"]) == "on", "fsync must be on"
assert c["postgresql"]["bin_dir"] == "/usr/lib/postgresql/15/bin", "Debian's PostgreSQL 15"
assert "etcd3" in c, "etcd (v3) is the store Patroni agrees through"
assert c["bootstrap"]["post_bootstrap"].endswith("baraza-bootstrap.sh")
pg = c["postgresql"]
assert str(pg["parameters"]["ssl"]) == "on", "TLS must be on"
hba = pg["pg_hba"]
for line in hba:
    words = line.split()
    if words[0] == "host" and words[-1] != "reject":
        raise AssertionError("a network line without TLS that is not a refusal: " + line)
assert any(l.split()[0] == "hostnossl" and l.split()[-1] == "reject" for l in hba), \
    "connections without TLS must be refused"
print("ok: patroni.yml parses; synchronous_mode true, synchronous_commit on, TLS only")
PY
grep -q "sslmode=verify-full" "$dir/README.md" ||
  { echo "README.md does not give barazad sslmode=verify-full"; exit 1; }
grep -q "target_session_attrs=read-write" "$dir/README.md" ||
  { echo "README.md does not give barazad target_session_attrs=read-write"; exit 1; }
sh -n "$dir/baraza-bootstrap.sh"
echo "ok: the README's connection string and the bootstrap script"
